'use strict';
/*
 * Switchboard worker process for node: functions.
 *
 * The gateway starts it as `node worker.js /abs/path/handler.js handler_name`, in the handler
 * file's directory, with SWITCHBOARD_WORKER_SOCKET naming a Unix socket that the gateway listens
 * on. The protocol travels on that socket only, one JSON object per line, so nothing the handler
 * logs can corrupt it (see worker.py for the message types; they are the same).
 *
 * The handler is `exports.main_handler = async (event, context) => response`; a plain function
 * returning a value or a promise works too, and so does SCF's callback form
 * `(event, context, callback)`. One invocation at a time; the worker exits when the gateway
 * closes the socket. The context reaches the handler with every field the gateway sent, so
 * `context.traceparent` is there whenever the gateway's tracing is on.
 */
const net = require('net');
const path = require('path');
const readline = require('readline');
const { pathToFileURL } = require('url');

const [file, name] = process.argv.slice(2);
const connection = net.createConnection(process.env.SWITCHBOARD_WORKER_SOCKET);
delete process.env.SWITCHBOARD_WORKER_SOCKET;
connection.on('error', () => process.exit(1));
connection.on('close', () => process.exit(0));

const send = (message) => connection.write(JSON.stringify(message) + '\n');

/** Makes a stream's writes log messages, line by line; returns a function sending the rest. */
function capture(stream, streamName) {
  let buffer = '';
  stream.write = (chunk, encoding, callback) => {
    buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const text of lines) send({ type: 'log', stream: streamName, text });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
  return () => {
    if (buffer) send({ type: 'log', stream: streamName, text: buffer });
    buffer = '';
  };
}
const flushStdout = capture(process.stdout, 'stdout');
const flushStderr = capture(process.stderr, 'stderr');

function describe(error) {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  return `thrown value: ${String(error)}`;
}

function trace(error) {
  return error instanceof Error && error.stack ? String(error.stack) : describe(error);
}

async function load() {
  const absolute = path.resolve(file);
  let module;
  try {
    module = require(absolute);
  } catch (error) {
    if (error.code !== 'ERR_REQUIRE_ESM') throw error;
    module = await import(pathToFileURL(absolute).href);
  }
  const handler = module[name] ?? (module.default && module.default[name]);
  if (typeof handler !== 'function') {
    throw new TypeError(`${path.basename(file)} exports no function ${name}(event, context)`);
  }
  return handler;
}

function call(handler, event, context) {
  if (handler.length < 3) return handler(event, context);
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

async function invoke(handler, request) {
  const deadline = Date.now() + request.context.time_limit_in_ms;
  const context = { ...request.context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  let answer;
  try {
    const body = await call(handler, request.event, context);
    answer = JSON.stringify({ type: 'result', id: request.id, body: body === undefined ? null : body });
  } catch (error) {
    answer = JSON.stringify({ type: 'error', id: request.id, error: describe(error), traceback: trace(error) });
  }
  // Output without a newline belongs to this invocation: it goes before its answer.
  flushStdout();
  flushStderr();
  connection.write(answer + '\n');
}

load().then(
  (handler) => {
    send({ type: 'ready' });
    readline.createInterface({ input: connection, crlfDelay: Infinity })
      .on('line', (line) => invoke(handler, JSON.parse(line)));
  },
  (error) => {
    send({ type: 'fatal', error: describe(error), traceback: trace(error) });
    connection.end(() => process.exit(1));
  });
