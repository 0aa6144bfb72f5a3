// ── An agent's view ───────────────────────────────────────────────────────────────────────

function renderMe(me) {
  byId('me-name').textContent = me.name && me.name !== me.username ? me.name + ' (' + me.username + ')' : me.username;
  byId('me-availability').replaceChildren(badge(me.statusLivechat), ' ', badge(me.status));
  var toggle = byId('toggle-availability');
  toggle.textContent = me.statusLivechat === 'available' ? 'Become not-available' : 'Become available';
  toggle.setAttribute('data-next', me.statusLivechat === 'available' ? 'not-available' : 'available');
}

function renderMyRooms(rooms) {
  var rows = rooms.map(function (r) {
    var m = r.lastMessage;
    var response = !r.open ? '\u2014' : r.waitingResponse ? badge('awaiting reply', 'awaiting') : badge('answered', 'answered');
    var row = h('tr', { 'data-rid': r._id, class: chat && chat.rid === r._id ? 'selected' : '' }, [
      h('td', {}, [r.fname || r.v.username, h('div', { class: 'sub' }, [r.v.username])]),
      h('td', { class: 'state' }, [r.open ? badge('open', 'served') : badge('closed')]),
      h('td', { class: 'last-message', title: m ? m.msg : '' }, m ? [h('span', { class: 'text' }, [m.msg]), h('div', { class: 'sub' }, [m.u.username + ' \u00b7 ' + clock(m.ts)])]
        : [h('span', { class: 'sub' }, ['no message yet'])]),
      h('td', { class: 'response' }, [response]),
    ]);
    row.addEventListener('click', function () { openChat(r).catch(chatError); });
    return row;
  });
  tableBody('my-rooms').replaceChildren.apply(tableBody('my-rooms'), rows);
  byId('my-rooms-empty').hidden = rows.length > 0;
  setCount('my-rooms-count', rows.length);
  if (chat) {
    var current = rooms.filter(function (r) { return r._id === chat.rid; })[0];
    if (current) setChatOpen(current.open);
  }
}

function setChatOpen(open) {
  chat.open = open;
  ['reply', 'send-reply', 'close-comment', 'close-room'].forEach(function (id) { field(id).disabled = !open; });
  byId('conversation-state').replaceChildren(open ? badge('open', 'served') : badge('closed'));
}

/** Opens a room's chat in the panel: its messages from the start, then every change as it comes. */
function openChat(room) {
  chat = { rid: room._id, open: room.open, messages: Object.create(null), lastUpdate: EPOCH, pendingId: null, pendingText: null };
  byId('conversation').hidden = false;
  byId('conversation-title').textContent = room.fname || room.v.username;
  byId('conversation-rid').textContent = room._id;
  byId('conversation-error').hidden = true;
  byId('messages').replaceChildren();
  Array.prototype.forEach.call(tableBody('my-rooms').rows, function (tr) {
    tr.className = tr.getAttribute('data-rid') === room._id ? 'selected' : '';
  });
  setChatOpen(room.open);
  return syncChat();
}

/** Reads what changed in the open chat since the newest change read, page after page (chat.syncMessages). */
function syncChat() {
  if (!chat) return Promise.resolve();
  var current = chat;
  return call('/chat.syncMessages?roomId=' + encodeURIComponent(current.rid) + '&lastUpdate=' + encodeURIComponent(current.lastUpdate)).then(function (reply) {
    if (chat !== current) return;
    var changes = 0;
    reply.result.updated.forEach(function (m) {
      current.messages[m._id] = m;
      if (m._updatedAt > current.lastUpdate) current.lastUpdate = m._updatedAt;
      changes += 1;
    });
    reply.result.deleted.forEach(function (d) {
      delete current.messages[d._id];
      if (d._deletedAt > current.lastUpdate) current.lastUpdate = d._deletedAt;
      changes += 1;
    });
    if (changes > 0) renderChat();
    // A full page: there may be more after it.
    if (reply.result.updated.length + reply.result.deleted.length >= 100) return syncChat();
  });
}

function describe(m) {
  if (m.t === 'uj') return m.u.username + ' joined the chat';
  if (m.t === 'livechat-close') return 'Chat closed by ' + m.u.username + (m.msg ? ': ' + m.msg : '');
  return m.msg;
}

function renderChat() {
  var list = Object.keys(chat.messages).map(function (id) { return chat.messages[id]; })
    .sort(function (a, b) { return a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0; });
  var box = byId('messages');
  var atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  box.replaceChildren.apply(box, list.map(function (m) {
    var kind = m.t ? 'system' : m.token ? 'visitor' : 'agent';
    return h('li', { class: kind, 'data-id': m._id }, [
      h('span', { class: 'meta' }, [(m.t ? '' : (m.alias || m.u.name || m.u.username) + ' \u00b7 ') + clock(m.ts) + (m.editedAt ? ' \u00b7 edited' : '')]),
      h('span', { class: 'text' }, [describe(m)]),
    ]);
  }));
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function chatError(error) {
  if (error instanceof Unauthorized) return signOut(AGENT_REFUSED);
  byId('conversation-error').textContent = error instanceof TypeError ? 'The gateway is unreachable: try again.' : String(error.message || error);
  byId('conversation-error').hidden = false;
}

/** A client id for a message: sending the same text again after a failure reuses it, so it is stored once. */
function messageId(text) {
  if (chat.pendingId && chat.pendingText === text) return chat.pendingId;
  var bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  chat.pendingText = text;
  chat.pendingId = 'console-' + Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  return chat.pendingId;
}

var AGENT_REFUSED = 'The agent credentials were refused (401 unauthorized): wrong, signed out or revoked.';

function refreshAgent() {
  var mine = generation;
  Promise.all([settle(call('/me')), settle(call('/livechat/rooms?count=' + MY_ROOMS)), settle(syncChat())]).then(function (results) {
    if (mine !== generation) return;
    if (results.some(function (r) { return r.error instanceof Unauthorized; })) {
      signOut(AGENT_REFUSED);
      return;
    }
    if (results[0].value) renderMe(results[0].value);
    if (results[1].value) renderMyRooms(results[1].value.rooms);
    var failed = failures(results);
    showView('agent-view');
    setStatus(failed.length ? 'Partly stale: ' + failed.join('; ') : 'Live \u00b7 updated ' + new Date().toLocaleTimeString(), failed.length > 0);
    timer = setTimeout(refreshAgent, POLL_MS);
  });
}

byId('reply-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var text = field('reply').value;
  if (!chat || !chat.open || !text.trim()) return;
  var current = chat;
  field('send-reply').disabled = true;
  call('/chat.sendMessage', { message: { rid: current.rid, msg: text, _id: messageId(text) } }).then(function (reply) {
    if (chat !== current) return;
    current.pendingId = null;
    current.messages[reply.message._id] = reply.message;
    field('reply').value = '';
    byId('conversation-error').hidden = true;
    renderChat();
  }, chatError).then(function () { field('send-reply').disabled = !(chat && chat.open); });
});

byId('close-form').addEventListener('submit', function (event) {
  event.preventDefault();
  if (!chat || !chat.open) return;
  var comment = field('close-comment').value.trim();
  call('/livechat/room.closeByUser', comment ? { rid: chat.rid, comment: comment } : { rid: chat.rid }).then(function () {
    field('close-comment').value = '';
    setChatOpen(false);
    return syncChat();
  }).catch(chatError);
});

byId('toggle-availability').addEventListener('click', function () {
  var next = byId('toggle-availability').getAttribute('data-next');
  call('/livechat/agent.status', { status: next }).then(function () { return call('/me'); }).then(renderMe).catch(function (error) {
    if (error instanceof Unauthorized) signOut(AGENT_REFUSED);
    else setStatus(String(error.message || error), true);
  });
});
