'use strict';
// Stands in for the tutorial's DynamoDB table: connection ids in a JSON file, so that the three
// handlers (each in its own worker processes) share them. CONNECTIONS_FILE names the file.
const fs = require('fs');
const path = require('path');

const file = process.env.CONNECTIONS_FILE || path.join(__dirname, 'connections.json');

function read() {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
}

function write(ids) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(ids));
  fs.renameSync(temporary, file);
}

// Two connects at once run in two worker processes: each read-change-write holds a lock (a
// directory, since creating one is atomic) so that neither overwrites the other's change. A lock
// older than STALE_MS was left by a process that died holding it, and is taken over.
const STALE_MS = 5000;

async function change(update) {
  const lock = `${file}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (Date.now() - lockTime(lock) > STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  try {
    write(update(read()));
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function lockTime(lock) {
  try {
    return fs.statSync(lock).mtimeMs;
  } catch (err) {
    return Date.now(); // released meanwhile
  }
}

// The same calls as the tutorial's PutCommand, DeleteCommand and ScanCommand, file-backed.
exports.put = (connectionId) => change((ids) => [...ids.filter((id) => id !== connectionId), connectionId]);
exports.remove = (connectionId) => change((ids) => ids.filter((id) => id !== connectionId));
exports.scan = async () => ({ Items: read().map((connectionId) => ({ connectionId })) });
