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

// The same calls as the tutorial's PutCommand, DeleteCommand and ScanCommand, file-backed.
exports.put = async (connectionId) => write([...read().filter((id) => id !== connectionId), connectionId]);
exports.remove = async (connectionId) => write(read().filter((id) => id !== connectionId));
exports.scan = async () => ({ Items: read().map((connectionId) => ({ connectionId })) });
