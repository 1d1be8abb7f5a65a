/*!
 * switchboard-reliable.js: a client of Switchboard's reliable sessions (subprotocol
 * switchboard.reliable.v1, described in docs/reliable-sessions.md). A network blip is invisible
 * to the application: the socket reconnects by itself with exponential backoff and full jitter,
 * resumes the same session with its token and the last message it got, and every message arrives
 * once and in order, in both directions. Plain JavaScript for browsers and Node.js 18 or later; no
 * build step, no dependencies. Loaded by a <script> tag it defines the global ReliableSocket;
 * require() and import give { ReliableSocket, SUBPROTOCOL, RESET_CLOSE_CODE }.
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module && module.exports) {
    // written out name by name so that Node's `import { ReliableSocket }` finds them
    exports.ReliableSocket = api.ReliableSocket;
    exports.SUBPROTOCOL = api.SUBPROTOCOL;
    exports.RESET_CLOSE_CODE = api.RESET_CLOSE_CODE;
  } else {
    root.ReliableSocket = api.ReliableSocket;
    root.SwitchboardReliable = api;
  }
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  /** The subprotocol the socket offers. */
  var SUBPROTOCOL = 'switchboard.reliable.v1';
  /** The close code that follows a reset frame: the session cannot be resumed. */
  var RESET_CLOSE_CODE = 4410;
  /** Close codes by which the server ends a session on purpose: no reconnect (1000-1010, 4000-4999). */
  var FINAL_CLOSE_CODES = [1000, 1002, 1003, 1007, 1008, 1009, 1010];
  var HEADER_BYTES = 8;
  var TWO_TO_32 = 4294967296;

  var DEFAULTS = {
    minDelay: 500,        // the first reconnect waits up to this many ms (full jitter)
    maxDelay: 10000,      // no reconnect waits longer than this
    connectTimeout: 10000, // a handshake that takes longer is given up and retried
    ackEvery: 50,         // acknowledge after this many messages...
    ackInterval: 1000,    // ...or this many ms after an unacknowledged one, whichever comes first
    reconnect: true,      // false: any drop ends the socket (a 'close' event)
    shouldReconnect: null, // function (closeEvent) -> boolean, replaces the default rule
    closeOnPageHide: true, // browsers: close the session when the page goes away
    WebSocket: null,      // the WebSocket class; the global one when not given
    random: Math.random   // the jitter's source
  };

  /**
   * A WebSocket that outlives its sockets. States: 'connecting' (no session yet), 'open',
   * 'reconnecting' (the session waits on the gateway for this client to resume) and 'closed'.
   *
   * @param {string|URL} url the route, e.g. wss://example.com/chat?room=lobby
   * @param {object} [options] see DEFAULTS above and the README
   */
  function ReliableSocket(url, options) {
    if (!(this instanceof ReliableSocket)) {
      throw new TypeError("ReliableSocket must be called with 'new'");
    }
    this._options = assign({}, DEFAULTS, options || {});
    this._WebSocket = this._options.WebSocket
      || (typeof WebSocket !== 'undefined' ? WebSocket : null);
    if (typeof this._WebSocket !== 'function') {
      throw new TypeError('no WebSocket class: pass one as options.WebSocket (e.g. from the ws package)');
    }
    this.url = String(url);
    this._listeners = {};
    this._state = 'connecting';
    this._ws = null;
    this._greeted = false;      // the current socket got its welcome or resumed frame
    this._reliable = null;      // null until the first socket opens; false if the route lacks the subprotocol
    this._session = null;
    this._token = null;
    this._resumeWindow = 0;
    this._lastSeq = 0;          // the last message delivered to the application
    this._ackedSeq = 0;         // the last sequence number acknowledged to the gateway
    this._nextId = 1;
    this._unacked = [];         // {id, data}: sent (or waiting to be), not yet acknowledged
    this._attempt = 0;
    this._retryTimer = null;
    this._connectTimer = null;
    this._ackTimer = null;
    this._reset = null;         // the reset frame, until its close arrives
    this._closing = null;       // the close the application asked for
    this._lost = null;          // the close event of the socket the session lost last
    this._unload = null;
    this._online = null;
    this._watchPage();
    this._connect();
  }

  ReliableSocket.SUBPROTOCOL = SUBPROTOCOL;
  ReliableSocket.RESET_CLOSE_CODE = RESET_CLOSE_CODE;

  var proto = ReliableSocket.prototype;

  Object.defineProperties(proto, {
    /** 'connecting', 'open', 'reconnecting' or 'closed'. */
    state: { get: function () { return this._state; } },
    /** The session id (the connection's secConnectionID), or null before the first welcome. */
    session: { get: function () { return this._session; } },
    /** The sequence number of the last message delivered. */
    lastSeq: { get: function () { return this._lastSeq; } },
    /** Messages sent that the gateway has not acknowledged yet (they are resent on resume). */
    unacknowledged: { get: function () { return this._unacked.length; } },
    /** True when the gateway speaks the subprotocol, false when the route lacks it, null before. */
    reliable: { get: function () { return this._reliable; } }
  });

  /**
   * Sends a string, ArrayBuffer or typed array. Accepted in every state but 'closed': what cannot
   * go out now goes out when the session is (re)attached, and a message is sent again after a
   * resume until the gateway acknowledges it, yet reaches the functions once.
   */
  proto.send = function (data) {
    if (this._state === 'closed') {
      throw new Error('ReliableSocket: send after close');
    }
    var payload = normalize(data);
    if (this._reliable === false) {
      // a route without reliable sessions: sent as it is, or when the socket is back
      if (this._state === 'open') {
        this._rawWrite(payload);
      } else {
        this._unacked.push({ id: 0, data: payload });
      }
      return;
    }
    var message = { id: this._nextId++, data: payload };
    this._unacked.push(message);
    if (this._state === 'open') {
      this._write(message);
    }
  };

  /**
   * Ends the session: the gateway runs its cleanup now, no resume follows. A 'close' event comes
   * once the socket has closed.
   */
  proto.close = function (code, reason) {
    if (this._state === 'closed' || this._closing) {
      return;
    }
    this._closing = { code: code === undefined ? 1000 : code, reason: reason || '' };
    this._clearTimers();
    var ws = this._ws;
    if (ws && ws.readyState < 2) {
      ws.close(this._closing.code, this._closing.reason);
      return;
    }
    this._finish({ code: this._closing.code, reason: this._closing.reason, wasClean: true });
  };

  /** Calls fn(event) for each event of type: open, message, resumed, reset, reconnecting, close, error. */
  proto.on = function (type, fn) {
    (this._listeners[type] || (this._listeners[type] = [])).push(fn);
    return this;
  };

  proto.off = function (type, fn) {
    var list = this._listeners[type];
    if (list) {
      var at = list.indexOf(fn);
      if (at >= 0) {
        list.splice(at, 1);
      }
    }
    return this;
  };

  proto.addEventListener = function (type, fn) {
    this.on(type, fn);
  };

  proto.removeEventListener = function (type, fn) {
    this.off(type, fn);
  };

  proto._emit = function (type, detail) {
    var event = assign({ type: type, target: this }, detail || {});
    var list = (this._listeners[type] || []).slice();
    var handler = this['on' + type];
    if (typeof handler === 'function') {
      list.push(handler);
    }
    for (var i = 0; i < list.length; i++) {
      try {
        list[i].call(this, event);
      } catch (error) {
        // a failing listener must not break the session: report it as the platform would
        setTimeout(function () { throw error; }, 0);
      }
    }
  };

  // --- sockets ---

  proto._connect = function () {
    var self = this;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    var url = this.url;
    if (this._session !== null) {
      url = withQuery(url, { 'sb-session': this._session, 'sb-token': this._token, 'sb-seq': this._lastSeq });
    }
    var ws;
    try {
      ws = new this._WebSocket(url, [SUBPROTOCOL]);
    } catch (error) {
      if (this._attempt === 0 && this._session === null) {
        throw error; // a URL that can never work
      }
      this._emit('error', { error: error });
      this._scheduleReconnect({ code: 1006, reason: String(error && error.message), wasClean: false });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this._ws = ws;
    this._greeted = false;
    this._connectTimer = setTimeout(function () {
      if (self._ws === ws && ws.readyState === 0) {
        // the handshake hangs: give this socket up (it never opened, so no close frame is owed)
        self._onSocketClose(ws, { code: 1006, reason: 'connect timeout', wasClean: false });
        try { ws.close(); } catch (e) { /* already failing */ }
      }
    }, this._options.connectTimeout);
    ws.onopen = function () { self._onOpen(ws); };
    ws.onmessage = function (event) { if (self._ws === ws) self._onFrame(event.data); };
    ws.onclose = function (event) { self._onSocketClose(ws, event); };
    ws.onerror = function () {
      if (self._ws === ws && ws.readyState === 0) {
        // the handshake failed; browsers follow with a close event, some clients (Node 20's) do not
        self._onSocketClose(ws, { code: 1006, reason: 'connect failed', wasClean: false });
        try { ws.close(); } catch (e) { /* already closed */ }
      }
      // otherwise a close event follows
    };
  };

  proto._detach = function (ws) {
    ws.onopen = ws.onmessage = ws.onclose = null;
    // still listening: some clients (the ws package) throw an error event nobody listens to
    ws.onerror = function () {};
    if (this._ws === ws) {
      this._ws = null;
    }
  };

  proto._onOpen = function (ws) {
    if (this._ws !== ws) {
      return;
    }
    clearTimeout(this._connectTimer);
    if (ws.protocol === SUBPROTOCOL) {
      this._reliable = true;
      return; // the welcome or resumed frame comes next
    }
    // the route does not offer reliable sessions: a plain socket that reconnects, each time anew
    this._reliable = false;
    var hadSession = this._session !== null;
    if (hadSession) {
      this._startOver({ errNo: 0, errMsg: 'the route does not offer ' + SUBPROTOCOL }, false);
    }
    this._session = null;
    this._greeted = true;
    this._attempt = 0;
    this._state = 'open';
    var waiting = this._unacked;
    this._unacked = [];
    for (var i = 0; i < waiting.length; i++) {
      this._rawWrite(waiting[i].data);
    }
    this._emit('open', { session: null, reliable: false });
  };

  proto._onFrame = function (data) {
    if (!this._reliable) {
      this._emit('message', { data: data });
      return;
    }
    if (typeof data === 'string') {
      if (data.charCodeAt(0) === 123) { // '{': a control frame
        this._onControl(data);
        return;
      }
      var colon = data.indexOf(':');
      var seq = colon > 0 && colon <= 19 ? Number(data.slice(0, colon)) : NaN;
      if (!(seq >= 1) || !Number.isSafeInteger(seq)) {
        this._emit('error', { error: new Error('text frame without a sequence number') });
        return;
      }
      this._onData(seq, data.slice(colon + 1));
      return;
    }
    var bytes = toBytes(data);
    if (!bytes || bytes.length < HEADER_BYTES) {
      this._emit('error', { error: new Error('binary frame without a sequence number') });
      return;
    }
    var view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
    var number = view.getUint32(0) * TWO_TO_32 + view.getUint32(4);
    this._onData(number, bytes.buffer.slice(bytes.byteOffset + HEADER_BYTES, bytes.byteOffset + bytes.length));
  };

  proto._onData = function (seq, payload) {
    if (seq <= this._lastSeq) {
      return; // had it already
    }
    if (seq !== this._lastSeq + 1) {
      // never expected: ask for the missing ones again on a new socket
      this._emit('error', { error: new Error('message ' + seq + ' after ' + this._lastSeq + ': resuming') });
      this._resumeNow();
      return;
    }
    this._lastSeq = seq;
    this._emit('message', { data: payload, seq: seq });
    if (this._lastSeq - this._ackedSeq >= this._options.ackEvery) {
      this._sendAck();
    }
  };

  proto._onControl = function (text) {
    var control;
    try {
      control = JSON.parse(text);
    } catch (error) {
      this._emit('error', { error: new Error('control frame is not JSON: ' + text.slice(0, 100)) });
      return;
    }
    switch (control.type) {
      case 'welcome':
        if (this._session !== null) {
          // asked to resume, given a new session: the old one is gone all the same
          this._startOver({ errNo: 0, errMsg: 'the gateway opened a new session instead' }, false);
        }
        this._session = String(control.session);
        this._token = String(control.token);
        this._resumeWindow = Number(control.resumeWindow) || 0;
        this._lastSeq = 0;
        this._ackedSeq = 0;
        this._attached();
        // what the application sent before the welcome (ids from 1) goes out now
        this._resend(0);
        this._emit('open', { session: this._session, resumeWindow: this._resumeWindow, reliable: true });
        break;
      case 'resumed':
        this._token = String(control.token);
        this._resumeWindow = Number(control.resumeWindow) || this._resumeWindow;
        this._ackedSeq = this._lastSeq; // sb-seq acknowledged everything up to it
        this._attached();
        this._resend(Number(control.ack) || 0);
        this._lost = null;
        this._emit('resumed', {
          session: this._session,
          resumeWindow: this._resumeWindow,
          missed: Math.max(0, (Number(control.seq) || 0) - this._lastSeq)
        });
        break;
      case 'ack':
        this._acknowledged(Number(control.id) || 0);
        break;
      case 'reset':
        this._reset = { errNo: control.errNo, errMsg: control.errMsg };
        break;
      default:
        // a control frame of a later version: nothing this client has to do
    }
  };

  proto._attached = function () {
    var self = this;
    this._greeted = true;
    this._attempt = 0;
    this._state = 'open';
    clearInterval(this._ackTimer);
    this._ackTimer = setInterval(function () { self._sendAck(); }, this._options.ackInterval);
  };

  /** Drops what the gateway took (ids up to acknowledged) and sends the rest again, in order. */
  proto._resend = function (acknowledged) {
    this._acknowledged(acknowledged);
    for (var i = 0; i < this._unacked.length; i++) {
      this._write(this._unacked[i]);
    }
  };

  proto._acknowledged = function (id) {
    var keep = 0;
    while (keep < this._unacked.length && this._unacked[keep].id <= id) {
      keep++;
    }
    if (keep > 0) {
      this._unacked.splice(0, keep);
    }
  };

  proto._sendAck = function () {
    if (this._state !== 'open' || !this._greeted || this._lastSeq <= this._ackedSeq) {
      return;
    }
    this._ackedSeq = this._lastSeq;
    this._rawWrite('{"type":"ack","seq":' + this._lastSeq + '}');
  };

  proto._write = function (message) {
    var data = message.data;
    if (typeof data === 'string') {
      this._rawWrite(message.id + ':' + data);
      return;
    }
    var framed = new Uint8Array(HEADER_BYTES + data.length);
    var view = new DataView(framed.buffer);
    view.setUint32(0, Math.floor(message.id / TWO_TO_32));
    view.setUint32(4, message.id % TWO_TO_32);
    framed.set(data, HEADER_BYTES);
    this._rawWrite(framed);
  };

  proto._rawWrite = function (frame) {
    var ws = this._ws;
    if (!ws || ws.readyState !== 1) {
      return; // resent on resume
    }
    try {
      ws.send(frame);
    } catch (error) {
      // the socket is dying: its close event follows, and the message waits for the resume
    }
  };

  proto._onSocketClose = function (ws, event) {
    if (this._ws !== ws) {
      return; // a socket given up on already
    }
    this._detach(ws);
    clearTimeout(this._connectTimer);
    clearInterval(this._ackTimer);
    this._ackTimer = null;
    var close = { code: event.code, reason: event.reason || '', wasClean: !!event.wasClean };
    if (this._closing) {
      this._finish(close);
      return;
    }
    if (this._reset || event.code === RESET_CLOSE_CODE) {
      var reset = this._reset || { errNo: 0, errMsg: close.reason };
      this._reset = null;
      this._startOver(reset, true);
      return;
    }
    if (this._state === 'closed') {
      return;
    }
    var greeted = this._greeted;
    this._greeted = false;
    if (!this._reconnects(close, greeted)) {
      this._finish(close);
      return;
    }
    if (greeted) {
      this._lost = close;
    }
    this._scheduleReconnect(close);
  };

  proto._reconnects = function (close, greeted) {
    if (!this._options.reconnect) {
      return false;
    }
    if (typeof this._options.shouldReconnect === 'function') {
      return !!this._options.shouldReconnect(close);
    }
    if (!greeted) {
      return true; // the handshake failed: the gateway is unreachable or refused for now
    }
    return FINAL_CLOSE_CODES.indexOf(close.code) < 0 && !(close.code >= 4000 && close.code <= 4999);
  };

  proto._scheduleReconnect = function (close) {
    var self = this;
    this._attempt++;
    var cap = Math.min(this._options.maxDelay, this._options.minDelay * Math.pow(2, this._attempt - 1));
    var delay = Math.floor(this._options.random() * cap);
    // 'connecting' until a socket was open once; 'reconnecting' after that
    this._state = this._state === 'connecting' ? 'connecting' : 'reconnecting';
    this._retryTimer = setTimeout(function () { self._connect(); }, delay);
    this._emit('reconnecting', {
      attempt: this._attempt,
      delay: delay,
      code: close.code,
      reason: close.reason,
      session: this._session
    });
  };

  /** Resumes on a new socket now, leaving the current one to the gateway, which closes it. */
  proto._resumeNow = function () {
    if (this._ws) {
      this._detach(this._ws);
    }
    clearInterval(this._ackTimer);
    this._ackTimer = null;
    this._greeted = false;
    this._state = 'reconnecting';
    this._connect();
  };

  /**
   * The session is gone: every unacknowledged message is handed back in the 'reset' event, and
   * a new session starts (at once when connect is true).
   */
  proto._startOver = function (reset, connect) {
    var unsent = [];
    for (var i = 0; i < this._unacked.length; i++) {
      unsent.push(this._unacked[i].data);
    }
    var previous = this._session;
    var lost = this._lost;
    this._unacked = [];
    this._nextId = 1;
    this._session = null;
    this._token = null;
    this._lastSeq = 0;
    this._ackedSeq = 0;
    this._lost = null;
    this._state = 'connecting';
    this._emit('reset', {
      errNo: reset.errNo,
      errMsg: reset.errMsg,
      session: previous,
      unsent: unsent,
      code: lost ? lost.code : undefined,
      reason: lost ? lost.reason : undefined
    });
    if (connect && this._state === 'connecting' && !this._closing) {
      this._connect();
    }
  };

  proto._finish = function (close) {
    if (this._state === 'closed') {
      return;
    }
    this._state = 'closed';
    this._clearTimers();
    this._unwatchPage();
    this._emit('close', { code: close.code, reason: close.reason, wasClean: close.wasClean, session: this._session });
  };

  proto._clearTimers = function () {
    clearTimeout(this._retryTimer);
    clearTimeout(this._connectTimer);
    clearInterval(this._ackTimer);
    this._retryTimer = this._connectTimer = this._ackTimer = null;
  };

  // --- browsers ---

  proto._watchPage = function () {
    var self = this;
    if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') {
      return;
    }
    if (this._options.closeOnPageHide) {
      // leaving the page ends the session now rather than after its resume window
      this._unload = function () { self.close(1001, 'page closed'); };
      window.addEventListener('pagehide', this._unload);
    }
    // the network is back: do not wait for the backoff timer
    this._online = function () {
      if (self._retryTimer !== null) {
        self._connect();
      }
    };
    window.addEventListener('online', this._online);
  };

  proto._unwatchPage = function () {
    if (typeof window === 'undefined' || typeof window.removeEventListener !== 'function') {
      return;
    }
    if (this._unload) {
      window.removeEventListener('pagehide', this._unload);
    }
    if (this._online) {
      window.removeEventListener('online', this._online);
    }
  };

  // --- helpers ---

  function normalize(data) {
    if (typeof data === 'string') {
      return data;
    }
    if (data instanceof ArrayBuffer) {
      return new Uint8Array(data.slice(0));
    }
    if (ArrayBuffer.isView(data)) {
      return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    }
    throw new TypeError('ReliableSocket.send takes a string, an ArrayBuffer or a typed array');
  }

  function toBytes(data) {
    if (data instanceof ArrayBuffer) {
      return new Uint8Array(data);
    }
    if (ArrayBuffer.isView(data)) {
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    return null;
  }

  function withQuery(url, params) {
    var hash = url.indexOf('#');
    var base = hash >= 0 ? url.slice(0, hash) : url;
    var parts = [];
    for (var name in params) {
      parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(params[name])));
    }
    return base + (base.indexOf('?') >= 0 ? '&' : '?') + parts.join('&');
  }

  function assign(target) {
    for (var i = 1; i < arguments.length; i++) {
      var source = arguments[i];
      for (var key in source) {
        if (Object.prototype.hasOwnProperty.call(source, key) && source[key] !== undefined) {
          target[key] = source[key];
        }
      }
    }
    return target;
  }

  return { ReliableSocket: ReliableSocket, SUBPROTOCOL: SUBPROTOCOL, RESET_CLOSE_CODE: RESET_CLOSE_CODE };
});
