'use strict';
// ReliableSocket against a real gateway, through a TCP proxy that can reset its connections
// (RST, no close frame) and refuse new ones for a while, as a dead network does.
//
// Needs a running gateway with reliable routes whose functions accept every connection:
//   /stream  resume-window 30s, a replay buffer of at least 5,000 messages, and a transfer
//            function that replies to each message with "echo " and the message
//   /short   resume-window 1s
//   /binary  resume-window 30s
// and the environment
//   SWITCHBOARD_WS    ws://127.0.0.1:PORT       the client listener
//   SWITCHBOARD_PUSH  http://127.0.0.1:PORT/push the push API (no token)
// The Java test ReliableJsClientTest starts one and runs this file with `node --test`, then checks
// what the functions received. On Node.js before 22, run with --experimental-websocket.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const { ReliableSocket } = require('../switchboard-reliable.js');

const WS = process.env.SWITCHBOARD_WS;
const PUSH = process.env.SWITCHBOARD_PUSH;
const skip = !WS || !PUSH ? 'SWITCHBOARD_WS and SWITCHBOARD_PUSH name no gateway' : false;
const MESSAGES = 2000;
const WAIT_MS = 30000;

/** A proxy to the gateway: cut() resets every connection, hold() refuses new ones until release(). */
function proxyTo(url) {
  const target = new URL(url);
  const pairs = new Set();
  let held = false;
  const server = net.createServer((client) => {
    if (held) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    const pair = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      if (pairs.delete(pair)) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: (path) => `ws://127.0.0.1:${server.address().port}${path}`,
        hold() { held = true; },
        release() { held = false; },
        cut() {
          for (const pair of pairs) {
            pairs.delete(pair);
            pair[0].resetAndDestroy();
            pair[1].resetAndDestroy();
          }
        },
        close() {
          this.cut();
          server.close();
        },
      });
    });
  });
}

const agent = new http.Agent({ keepAlive: true });

/** POSTs a push; resolves with its status and JSON body. */
function pushBody(websocket) {
  const body = JSON.stringify({ websocket });
  return new Promise((resolve, reject) => {
    const request = http.request(
      PUSH,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => { text += chunk; });
        response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(text || 'null') }));
      },
    );
    request.on('error', reject);
    request.setTimeout(WAIT_MS, () => request.destroy(new Error(`push not answered in ${WAIT_MS} ms: ${body}`)));
    request.end(body);
  });
}

function push(connectionId, text) {
  return pushBody({ action: 'data send', secConnectionID: connectionId, dataType: 'text', data: text });
}

/** Resolves once condition() holds, polling; rejects with what() after WAIT_MS. */
async function until(condition, what) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function next(socket, type) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${type}' event within ${WAIT_MS} ms`)), WAIT_MS);
    const on = (event) => {
      clearTimeout(timer);
      socket.off(type, on);
      resolve(event);
    };
    socket.on(type, on);
  });
}

/** Closes the socket and waits for its 'close', then the proxy, even when that close never came. */
async function closeBoth(socket, proxy) {
  try {
    const closed = next(socket, 'close');
    socket.close();
    await closed;
  } finally {
    proxy.close(); // so that the run can end
  }
}

function numbered(prefix, count) {
  return Array.from({ length: count }, (_, i) => prefix + i);
}

test('a reset in the middle of both streams loses nothing, and the session resumes', { skip }, async () => {
  const proxy = await proxyTo(WS);
  const socket = new ReliableSocket(proxy.url('/stream'), { minDelay: 50, maxDelay: 500 });
  const events = [];
  const received = [];
  const echoes = [];
  for (const type of ['open', 'resumed', 'reset', 'reconnecting', 'close']) {
    socket.on(type, (event) => events.push(type));
  }
  // what the gateway pushes, and what the transfer function replies, each in its own order
  socket.on('message', (event) => (event.data.startsWith('echo ') ? echoes : received).push(event.data));
  try {
    const opened = await next(socket, 'open');
    assert.equal(opened.reliable, true);
    assert.match(opened.session, /.+/);
    const id = opened.session;

    const statuses = [];
    let cut = false;
    let gapPushes = 0;
    for (let i = 0; i < MESSAGES; i++) {
      if (!cut && received.length >= MESSAGES / 4) {
        // the network dies in the middle of both streams, and stays dead for a while
        cut = true;
        proxy.hold();
        proxy.cut();
      }
      const answer = await push(id, 'p-' + i);
      statuses.push(answer.status);
      socket.send('c-' + i);
      if (cut && proxy && answer.status === 202 && ++gapPushes === 200) {
        assert.equal(answer.body.queued, true);
        assert.notEqual(socket.state, 'open');
        proxy.release();
      }
      if (i % 100 === 99) {
        await new Promise((resolve) => setImmediate(resolve)); // let messages in
      }
    }
    assert.ok(cut, 'the network was cut');
    assert.equal(gapPushes >= 200, true, `pushes answered 202 while the client was away: ${gapPushes}`);
    assert.deepEqual([...new Set(statuses)].sort(), [200, 202]);

    await until(() => received.length >= MESSAGES, () => `${MESSAGES} messages, got ${received.length}`);
    await until(() => echoes.length >= MESSAGES, () => `${MESSAGES} echoes, got ${echoes.length}`);
    await until(() => socket.unacknowledged === 0, () => `acks of every message sent, ${socket.unacknowledged} left`);
    assert.deepEqual(received, numbered('p-', MESSAGES));
    // each message reached the transfer function once and in order
    assert.deepEqual(echoes, numbered('echo c-', MESSAGES));
    assert.equal(socket.session, id);
    assert.equal(events.filter((type) => type === 'open').length, 1);
    assert.ok(events.includes('reconnecting'), `events: ${events}`);
    assert.ok(events.includes('resumed'), `events: ${events}`);
    assert.ok(!events.includes('reset'), `events: ${events}`);
  } finally {
    await closeBoth(socket, proxy);
  }
});

test('a session not resumed within its window resets: a reset event, then a new session', { skip }, async () => {
  const proxy = await proxyTo(WS);
  const socket = new ReliableSocket(proxy.url('/short'), { minDelay: 50, maxDelay: 200 });
  const events = [];
  for (const type of ['open', 'resumed', 'reset']) {
    socket.on(type, () => events.push(type));
  }
  try {
    const first = await next(socket, 'open');
    socket.send('before the drop');
    await until(() => socket.unacknowledged === 0, () => 'the ack of the first message');

    proxy.hold();
    proxy.cut();
    await until(() => socket.state === 'reconnecting', () => `state reconnecting, is ${socket.state}`);
    socket.send('during the drop');
    // the window of 1 s runs out: the gateway cleans the session up and pushes find nobody
    await until(async () => (await push(first.session, 'too late')).status === 410, () => 'a 410 push');

    const reset = next(socket, 'reset');
    const reopened = next(socket, 'open');
    proxy.release();
    const resetEvent = await reset;
    assert.equal(resetEvent.session, first.session);
    assert.equal(resetEvent.errNo, 4101);
    assert.match(resetEvent.errMsg, /no session/);
    assert.deepEqual(resetEvent.unsent, ['during the drop']);
    const second = await reopened;
    assert.notEqual(second.session, first.session);
    assert.equal(socket.session, second.session);
    assert.deepEqual(events, ['open', 'reset', 'open']);

    socket.send('after the reset');
    await until(() => socket.unacknowledged === 0, () => 'the ack of the message after the reset');
    const arrived = next(socket, 'message');
    const answer = await push(second.session, 'welcome back');
    assert.equal(answer.status, 200);
    const message = await arrived;
    assert.equal(message.data, 'welcome back');
    assert.equal(message.seq, 1);
  } finally {
    await closeBoth(socket, proxy);
  }
});

test.after(() => agent.destroy());

test('binary messages go both ways behind their numbers', { skip }, async () => {
  const socket = new ReliableSocket(WS + '/binary', {});
  try {
    const opened = await next(socket, 'open');
    socket.send(new Uint8Array([0, 1, 2, 255]));
    socket.send(new Uint16Array([0x0102]).buffer);
    await until(() => socket.unacknowledged === 0, () => 'the acks of the binary messages');
    const arrived = next(socket, 'message');
    const answer = await pushBody({
      action: 'data send',
      secConnectionID: opened.session,
      dataType: 'binary',
      data: Buffer.from([9, 8, 7]).toString('base64'),
    });
    assert.equal(answer.status, 200);
    const message = await arrived;
    assert.ok(message.data instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(message.data)], [9, 8, 7]);
  } finally {
    const closed = next(socket, 'close');
    socket.close();
    await closed;
  }
});
