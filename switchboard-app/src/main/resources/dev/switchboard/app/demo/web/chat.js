'use strict';
// The demo chat page: joins a room over a ReliableSocket to /chat (the gateway serves the library
// at /switchboard/reliable.js), renders what the room's functions push and shows the connection's
// state. A network blip is invisible: the socket resumes the same connection, what was pushed
// meanwhile arrives, and what the user sent meanwhile goes out once.
(() => {
  const $ = (id) => document.getElementById(id);
  const joinForm = $('join');
  const chat = $('chat');
  const messages = $('messages');
  const status = $('status');
  const text = $('text');

  let socket = null;          // the ReliableSocket while the user is in a room
  let wanted = null;          // {nick, room} while the user wants to be in a room
  const people = new Set();   // who is in the room, from the gateway's presence frames

  /** Shows who is in the room: textContent, so no nickname becomes markup. */
  function renderPeople() {
    const list = $('people');
    list.replaceChildren(...[...people].sort().map((nick) => {
      const item = document.createElement('li');
      item.textContent = nick;
      return item;
    }));
    $('people-count').textContent = String(people.size);
  }

  /** A presence frame ({"websocket":{"action":"presence",...}}) or the room's list ({"type":"people"}). */
  function updatePeople(message) {
    const presence = message.websocket;
    if (presence && presence.action === 'presence') {
      if (presence.event === 'join') people.add(presence.userId);
      if (presence.event === 'leave') people.delete(presence.userId);
    } else {
      // the list read when this user joined; joins and leaves since then have been applied
      message.users.forEach((nick) => people.add(nick));
    }
    renderPeople();
  }

  function setStatus(state, label) {
    status.dataset.state = state;
    status.textContent = label || state;
    // while reconnecting, what is sent waits in the socket and goes out on resume
    $('send').disabled = state !== 'online' && state !== 'reconnecting';
  }

  function time(at) {
    const element = document.createElement('time');
    const date = new Date(at || Date.now());
    element.dateTime = date.toISOString();
    element.textContent = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return element;
  }

  function addNotice(textContent, kind, at) {
    const item = document.createElement('li');
    item.className = 'notice';
    item.dataset.kind = kind;
    item.append(textContent, time(at));
    append(item);
  }

  function addMessage(message) {
    const item = document.createElement('li');
    item.className = message.mine ? 'message mine' : 'message';
    const nick = document.createElement('span');
    nick.className = 'nick';
    nick.textContent = message.nick;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = message.text;   // textContent: nothing anyone sends becomes markup
    item.append(nick, body, time(message.at));
    append(item);
  }

  /** A message typed while reconnecting: it waits in the socket, and shows until the socket is back. */
  function addPending(value) {
    const item = document.createElement('li');
    item.className = 'pending';
    const body = document.createElement('span');
    body.textContent = value;
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = 'sending when reconnected…';
    item.append(body, hint);
    append(item);
  }

  function clearPending() {
    messages.querySelectorAll('li.pending').forEach((item) => item.remove());
  }

  function append(item) {
    const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
    messages.append(item);
    if (atBottom) messages.scrollTop = messages.scrollHeight;
  }

  function render(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch (e) {
      addNotice(String(data), 'raw');
      return;
    }
    if ((message.websocket && message.websocket.action === 'presence') || message.type === 'people') {
      updatePeople(message);
      return;
    }
    switch (message.type) {
      case 'message': addMessage(message); break;
      case 'join': addNotice(`${message.nick} joined`, 'join', message.at); break;
      case 'leave': addNotice(`${message.nick} left`, 'leave', message.at); break;
      default: addNotice(data, 'raw');
    }
  }

  function url({ nick, room }) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const query = new URLSearchParams({ nick, room });
    return `${scheme}://${location.host}/chat?${query}`;
  }

  function connect() {
    setStatus('connecting');
    const rs = new ReliableSocket(url(wanted), { minDelay: 500, maxDelay: 10000 });
    socket = rs;
    const mine = (handler) => (event) => {
      if (socket === rs) handler(event);  // not a socket the user already left
    };
    rs.on('open', mine(() => {
      clearPending();
      setStatus('online');
      addNotice(`You joined #${wanted.room} as ${wanted.nick}`, 'self');
    }));
    // what was typed meanwhile goes out now; the room's echo shows it in place of the pending line
    rs.on('resumed', mine(() => {
      clearPending();
      setStatus('online');
    }));
    rs.on('message', mine((event) => render(event.data)));
    rs.on('reconnecting', mine((event) => {
      if (rs.state === 'connecting') {
        // refused at the handshake (e.g. an invalid nickname) or the gateway is down
        if (event.attempt === 1) addNotice('Could not connect; retrying', 'error');
        setStatus('connecting', 'connecting…');
        return;
      }
      if (event.attempt === 1 && event.code !== 1006) {
        // the gateway closed the socket (e.g. it is restarting): the session may not come back
        addNotice(`Disconnected (${event.code}${event.reason ? ' ' + event.reason : ''})`, 'disconnected');
      }
      setStatus('reconnecting', 'reconnecting…');
    }));
    rs.on('reset', mine((event) => {
      // the connection could not be resumed: a new one registers and joins the room again
      addNotice('Your connection was gone too long; joining again', 'reset');
      event.unsent.forEach((message) => rs.send(message));
      setStatus('connecting', 'connecting…');
    }));
    rs.on('close', mine((event) => {
      socket = null;
      clearPending();
      setStatus('offline');
      if (wanted) {
        addNotice(`Disconnected (${event.code}${event.reason ? ' ' + event.reason : ''})`, 'disconnected');
      }
    }));
  }

  function join(nick, room) {
    wanted = { nick, room };
    localStorage.setItem('switchboard-chat', JSON.stringify(wanted));
    joinForm.hidden = true;
    chat.hidden = false;
    $('room-name').hidden = false;
    $('room-name').textContent = `#${room} · ${nick}`;
    messages.replaceChildren();
    people.clear();
    renderPeople();
    connect();
    text.focus();
  }

  function leave() {
    wanted = null;
    if (socket) {
      const rs = socket;
      socket = null;
      rs.close(1000, 'left the room');
    }
    setStatus('offline');
    chat.hidden = true;
    joinForm.hidden = false;
    $('room-name').hidden = true;
  }

  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const nick = $('nick').value.trim();
    const room = $('room').value.trim() || 'lobby';
    if (!nick) {
      $('join-error').hidden = false;
      $('join-error').textContent = 'Pick a nickname first.';
      return;
    }
    $('join-error').hidden = true;
    join(nick, room);
  });

  $('compose').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value || !socket) return;
    socket.send(value);
    if (socket.state !== 'open') addPending(value);
    text.value = '';
  });

  $('leave').addEventListener('click', leave);

  try {
    const saved = JSON.parse(localStorage.getItem('switchboard-chat') || 'null');
    if (saved) {
      $('nick').value = saved.nick || '';
      $('room').value = saved.room || 'lobby';
    }
  } catch (e) {
    // a stale or foreign value: start empty
  }
  setStatus('offline');
})();
