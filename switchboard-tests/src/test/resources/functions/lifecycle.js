'use strict';
// Handlers for the process runtime tests: the same behaviour as lifecycle.py.
const http = require('http');

function post(url, body) {
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json' };
    if (process.env.SWITCHBOARD_PUSH_TOKEN && url === process.env.SWITCHBOARD_PUSH_URL) {
      headers.Authorization = 'Bearer ' + process.env.SWITCHBOARD_PUSH_TOKEN;
    }
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

exports.register = async (event, context) => {
  const query = event.queryString || {};
  if ('refuse' in query) return { errNo: Number(query.refuse), errMsg: 'refused by ' + context.function_name };
  if ('raise' in query) throw new Error('registration blew up');
  const offered = event.websocket.secWebSocketProtocol || '';
  return {
    errNo: 0,
    errMsg: 'ok',
    websocket: {
      action: 'connecting',
      secConnectionID: event.websocket.secConnectionID,
      secWebSocketProtocol: offered.split(',')[0].trim(),
    },
    context: { recorder: query.recorder || '' },
  };
};

exports.transfer = async (event, context) => {
  const ws = event.websocket;
  const data = ws.data;
  if (data.startsWith('push:')) {
    await post(process.env.SWITCHBOARD_PUSH_URL, {
      websocket: { action: 'data send', secConnectionID: ws.secConnectionID, dataType: 'text',
        data: 'pushed:' + data.slice('push:'.length) },
    });
    return { errNo: 0, errMsg: 'ok' };
  }
  if (data.startsWith('print:')) {
    console.log(data.slice('print:'.length));
    return { errNo: 0, errMsg: 'ok', reply: { dataType: 'text', data: 'printed' } };
  }
  if (data === 'pid') return { errNo: 0, reply: { dataType: 'text', data: String(process.pid) } };
  if (data === 'id') return { errNo: 0, reply: { dataType: 'text', data: ws.secConnectionID } };
  if (data === 'context') {
    const fields = {};
    for (const key of ['request_id', 'function_name', 'time_limit_in_ms', 'memory_limit_in_mb']) fields[key] = context[key];
    fields.attribute = context.function_name;
    fields.requestContextId = event.requestContext.requestId;
    return { errNo: 0, reply: { dataType: 'text', data: JSON.stringify(fields) } };
  }
  if (data === 'raise') throw new RangeError('transfer was told to raise');
  if (data === 'hang') for (;;) { /* stuck for good: only a kill ends this */ }
  if (data === 'die') process.kill(process.pid, 'SIGKILL');
  return { errNo: 0, errMsg: 'ok', reply: { dataType: ws.dataType, data } };
};

// SCF's callback form, to show it works too
exports.cleanup = (event, context, callback) => {
  const recorder = (event.context || {}).recorder;
  if (!recorder) return callback(null, { errNo: 0, errMsg: 'ok' });
  post(recorder, event).then(() => callback(null, { errNo: 0, errMsg: 'ok' }), callback);
};
