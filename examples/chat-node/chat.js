'use strict';
/*
 * The chat of `switchboard demo`, as Node.js functions run by the gateway's own workers.
 *
 * Same contract as the built-in Java chat, so the demo page works with either: a client connects
 * to /chat?nick=alice&room=lobby; each room is the group "room:<name>"; the page receives JSON
 * objects {"type": "join" | "message" | "leave", "nick", "room", "text", "at", "mine"}.
 *
 * Run from the repository root:
 *
 *     ./switchboard demo --config examples/chat-node/chat.yaml
 *
 * and open http://localhost:8080/ in two browser windows. Only Node's own modules are used; the
 * push API's address comes from SWITCHBOARD_PUSH_URL (and SWITCHBOARD_PUSH_TOKEN), which the
 * gateway sets for its workers.
 */
const http = require('http');

const MAX_NICK = 24;
const MAX_TEXT = 1000;
const ROOM = /^[A-Za-z0-9_-]{1,32}$/;

/** Sends a message to everyone in the room but `exclude`; resolves with the HTTP status, -1 on error. */
function pushToRoom(room, message, exclude = []) {
  const body = JSON.stringify({
    websocket: { action: 'data send', group: 'room:' + room, dataType: 'text', data: JSON.stringify(message), exclude },
  });
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
  if (process.env.SWITCHBOARD_PUSH_TOKEN) headers.Authorization = 'Bearer ' + process.env.SWITCHBOARD_PUSH_TOKEN;
  return new Promise((resolve) => {
    const request = http.request(process.env.SWITCHBOARD_PUSH_URL, { method: 'POST', headers, timeout: 5000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => {  // a lost notice must not fail the function
      console.log(`push to room ${room} failed: ${error.message}`);
      resolve(-1);
    });
    request.end(body);
  });
}

const notice = (type, nick, room) => ({ type, nick, room, at: Date.now() });

exports.register = async (event) => {
  const query = event.queryString || {};
  const nick = (query.nick || '').split(/\s+/).filter(Boolean).join(' ');
  const room = (query.room || '').trim() || 'lobby';
  if (!nick || nick.length > MAX_NICK || /[\x00-\x1f\x7f]/.test(nick)) {
    return { errNo: 4001, errMsg: `nick: '${nick}' (expected: 1 to ${MAX_NICK} printable characters)`, httpStatus: 400 };
  }
  if (!ROOM.test(room)) {
    return { errNo: 4001, errMsg: `room: '${room}' (expected: 1 to 32 of A-Z a-z 0-9 _ -)`, httpStatus: 400 };
  }
  await pushToRoom(room, notice('join', nick, room));  // the newcomer is not in the group yet
  return { errNo: 0, errMsg: 'ok', context: { nick, room }, groups: ['room:' + room] };
};

exports.transfer = async (event) => {
  const ws = event.websocket;
  const text = (ws.data || '').trim().slice(0, MAX_TEXT);
  if (ws.dataType !== 'text' || !text) return { errNo: 0, errMsg: 'ok' };
  const { nick, room } = event.context;
  const message = { ...notice('message', nick, room), text };
  await pushToRoom(room, message, [ws.secConnectionID]);
  return { errNo: 0, errMsg: 'ok', reply: { dataType: 'text', data: JSON.stringify({ ...message, mine: true }) } };
};

exports.cleanup = async (event) => {
  const { nick, room } = event.context || {};
  if (nick && room) await pushToRoom(room, notice('leave', nick, room));
  console.log(`${nick || '?'} left: ${event.closedBy} ${event.closeCode}`);
  return { errNo: 0, errMsg: 'ok' };
};
