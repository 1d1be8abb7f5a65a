'use strict';
// The demo chat page: joins a room over one WebSocket to /chat, renders what the room's
// functions push, shows the connection's state, and reconnects with backoff when it drops.
(() => {
  const $ = (id) => document.getElementById(id);
  const joinForm = $('join');
  const chat = $('chat');
  const messages = $('messages');
  const status = $('status');
  const text = $('text');

  let socket = null;
  let wanted = null;          // {nick, room} while the user wants to be in a room
  let attempt = 0;            // reconnect attempts since the last successful open
  let retryTimer = null;
  let countdownTimer = null;

  function setStatus(state, label) {
    status.dataset.state = state;
    status.textContent = label || state;
    $('send').disabled = state !== 'online';
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
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    setStatus(attempt === 0 ? 'connecting' : 'reconnecting', attempt === 0 ? 'connecting' : 'reconnecting…');
    const ws = new WebSocket(url(wanted));
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      setStatus('online');
      addNotice(`You joined #${wanted.room} as ${wanted.nick}`, 'self');
    };
    ws.onmessage = (event) => render(event.data);
    ws.onclose = (event) => {
      if (socket !== ws) return;  // a socket the user already left
      socket = null;
      if (!wanted) {
        setStatus('offline');
        return;
      }
      if (!opened && attempt === 0) {
        // refused at the handshake (e.g. an invalid nickname) or the gateway is down
        addNotice('Could not connect; retrying', 'error');
      } else if (opened) {
        addNotice(`Disconnected (${event.code}${event.reason ? ' ' + event.reason : ''})`, 'disconnected');
      }
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    attempt += 1;
    const delay = Math.min(1000 * 2 ** (attempt - 1), 10000);
    let left = Math.ceil(delay / 1000);
    setStatus('reconnecting', `reconnecting in ${left} s`);
    countdownTimer = setInterval(() => {
      left -= 1;
      if (left > 0) setStatus('reconnecting', `reconnecting in ${left} s`);
    }, 1000);
    retryTimer = setTimeout(connect, delay);
  }

  function join(nick, room) {
    wanted = { nick, room };
    localStorage.setItem('switchboard-chat', JSON.stringify(wanted));
    joinForm.hidden = true;
    chat.hidden = false;
    $('room-name').hidden = false;
    $('room-name').textContent = `#${room} · ${nick}`;
    messages.replaceChildren();
    attempt = 0;
    connect();
    text.focus();
  }

  function leave() {
    wanted = null;
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    if (socket) {
      const ws = socket;
      socket = null;
      ws.close(1000, 'left the room');
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
    if (!value || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(value);
    text.value = '';
  });

  $('leave').addEventListener('click', leave);

  // Reconnect at once when the network comes back instead of waiting for the timer.
  window.addEventListener('online', () => {
    if (wanted && !socket) {
      attempt = Math.max(attempt, 1);
      connect();
    }
  });

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
