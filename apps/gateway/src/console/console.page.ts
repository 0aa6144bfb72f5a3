import { createHash } from 'node:crypto';

/**
 * The console page: one HTML document with its CSS and vanilla JS inline, no framework and no build
 * step. It lives in this module (not in an .html file) so that `nest build`, which emits only what tsc
 * compiles, ships it without an assets step. Written with String.raw: what is between the backticks is
 * sent byte for byte (no backslash escapes are processed, and it holds no `${`).
 *
 * Two views, one sign-in: the operator (the operator token, `X-Auth-Token`) sees the agents, the queue
 * and the recent rooms; an agent (their `X-User-Id` and token, SPEC §6a) sees their rooms, reads a
 * chat (chat.syncMessages), answers it (chat.sendMessage), closes it (room.closeByUser) and sets their
 * availability. The page holds no data: the credentials stay in sessionStorage (this tab only) and
 * every request carries them. Everything it shows is put in the page with textContent and DOM nodes,
 * never parsed as HTML: visitor names and messages are whatever visitors typed.
 */

const STYLE = String.raw`
:root { --bg: #f5f6f8; --card: #fff; --ink: #1d2330; --muted: #6b7280; --line: #e3e6eb; --accent: #2f6fde;
  --ok: #1f9d55; --warn: #c98a05; --bad: #d64545; --idle: #9aa1ad; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; align-items: center; gap: 16px; padding: 12px 24px; background: #1d2330; color: #fff; }
header h1 { font-size: 17px; margin: 0; font-weight: 600; }
header h1 span { font-weight: 400; color: #aab3c5; }
#status { margin-left: auto; font-size: 13px; color: #cfd6e4; }
#status.error { color: #ffb4b4; }
#status .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--ok); margin-right: 6px; }
#status.error .dot { background: var(--bad); }
button { font: inherit; border: 0; border-radius: 6px; padding: 7px 14px; background: var(--accent); color: #fff; cursor: pointer; }
header button { background: #3a4356; }
main { padding: 20px 24px; max-width: 1280px; margin: 0 auto; }
#login { max-width: 420px; margin: 60px auto; background: var(--card); padding: 24px; border-radius: 10px; border: 1px solid var(--line); }
#login h2 { margin-top: 0; }
#login label { display: block; margin-bottom: 6px; font-weight: 600; }
#login input { width: 100%; padding: 8px 10px; font: inherit; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 12px; }
.error { color: var(--bad); font-weight: 600; }
.hint { color: var(--muted); font-size: 12px; }
#dashboard { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 20px; }
#dashboard[hidden] { display: none; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; min-width: 0; }
#rooms-section { grid-column: 1 / -1; }
h2 { font-size: 15px; margin: 0 0 12px; }
h2 .count { color: var(--muted); font-weight: 400; }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600;
  border-bottom: 1px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid var(--line); padding: 8px; vertical-align: top; overflow-wrap: anywhere; }
tr:last-child td { border-bottom: 0; }
.sub { color: var(--muted); font-size: 12px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #eef0f3; color: var(--ink); }
.badge::before { content: ""; display: inline-block; width: 7px; height: 7px; border-radius: 50%; margin-right: 5px; background: var(--idle); }
.badge.online::before, .badge.available::before, .badge.served::before { background: var(--ok); }
.badge.away::before, .badge.waiting::before { background: var(--warn); }
.badge.offline::before, .badge.not-available::before { background: var(--bad); }
.badge.closed::before { background: var(--idle); }
.badge.awaiting::before { background: var(--warn); }
.badge.answered::before { background: var(--ok); }
.last-message .text { display: block; max-width: 360px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.load-text { font-variant-numeric: tabular-nums; font-weight: 600; }
.bar { height: 5px; background: #eef0f3; border-radius: 3px; margin-top: 4px; width: 90px; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--accent); }
.bar.full span { background: var(--bad); }
.group { margin-bottom: 14px; }
.group h3 { font-size: 13px; margin: 0 0 6px; }
.group ol { margin: 0; padding-left: 20px; }
.group li { padding: 3px 0; overflow-wrap: anywhere; }
.age { color: var(--warn); font-weight: 600; margin-left: 6px; }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
#login fieldset { border: 0; padding: 0; margin: 0 0 12px; display: flex; gap: 16px; }
#login fieldset label { display: inline; font-weight: 400; margin: 0; }
#login fieldset input { width: auto; margin: 0 4px 0 0; }
#agent-view { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 20px; }
#agent-view[hidden] { display: none; }
#me-section { grid-column: 1 / -1; display: flex; align-items: center; gap: 16px; }
#me-section h2 { margin: 0; }
#my-rooms tbody tr { cursor: pointer; }
#my-rooms tbody tr.selected td { background: #eef3fd; }
#messages { list-style: none; margin: 0 0 12px; padding: 0; max-height: 480px; overflow-y: auto; }
#messages li { padding: 6px 10px; margin: 6px 0; border-radius: 8px; max-width: 80%; overflow-wrap: anywhere; white-space: pre-wrap; }
#messages li.visitor { background: #eef0f3; }
#messages li.agent { background: #e3ecfd; margin-left: auto; }
#messages li.system { background: none; color: var(--muted); font-style: italic; text-align: center; max-width: none; }
#messages .meta { display: block; font-size: 11px; color: var(--muted); white-space: normal; }
#reply-form, #close-form { display: flex; gap: 8px; margin-top: 8px; }
#reply { flex: 1; font: inherit; padding: 8px; border: 1px solid var(--line); border-radius: 6px; resize: vertical; }
#close-comment { flex: 1; font: inherit; padding: 7px 10px; border: 1px solid var(--line); border-radius: 6px; }
button.secondary { background: #3a4356; }
button:disabled { opacity: .5; cursor: default; }
@media (max-width: 900px) { #dashboard { grid-template-columns: 1fr; } }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var OPERATOR_KEY = 'livechat.operatorToken';
  var AGENT_KEY = 'livechat.agentCredentials';
  var POLL_MS = 1500;
  var RECENT_ROOMS = 25;
  var MY_ROOMS = 50;
  var EPOCH = '1970-01-01T00:00:00.000Z';
  var generation = 0;
  var timer = null;
  /** The agent view's open chat: its room, its messages by id, and the newest change read (chat.syncMessages). */
  var chat = null;

  function byId(id) { return document.getElementById(id); }

  /** An element with text children only: nothing given here is ever parsed as HTML. */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'class') node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === '') return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function badge(value, cls) { return h('span', { class: 'badge ' + (cls || value) }, [String(value)]); }

  function age(iso) {
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (!isFinite(s)) return '';
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  function clock(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
  }

  /** Who this tab is signed in as: {kind: 'operator', token} or {kind: 'agent', userId, authToken}, or null. */
  function session() {
    var operatorToken = sessionStorage.getItem(OPERATOR_KEY);
    if (operatorToken) return { kind: 'operator', token: operatorToken };
    try {
      var agent = JSON.parse(sessionStorage.getItem(AGENT_KEY) || 'null');
      if (agent && typeof agent.userId === 'string' && typeof agent.authToken === 'string') {
        return { kind: 'agent', userId: agent.userId, authToken: agent.authToken };
      }
    } catch (e) { /* not ours: signed out below */ }
    return null;
  }

  function credentials() {
    var s = session();
    if (!s) return {};
    return s.kind === 'agent' ? { 'X-User-Id': s.userId, 'X-Auth-Token': s.authToken } : { 'X-Auth-Token': s.token };
  }

  function Unauthorized() {}

  /** Calls the API (GET, or POST with a JSON body); resolves with the body, rejects with Unauthorized on 401. */
  function call(path, body) {
    var headers = credentials();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch('/api/v1' + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (reply) {
        if (res.status === 401) throw new Unauthorized();
        if (!res.ok || !reply || reply.success !== true) {
          throw new Error(path.split('?')[0] + ': ' + res.status + (reply && reply.error ? ' ' + reply.error : ''));
        }
        return reply;
      });
    });
  }

  function setStatus(text, isError) {
    var status = byId('status');
    status.className = isError ? 'error' : '';
    status.replaceChildren(h('span', { class: 'dot' }), text);
  }

  function setCount(id, n) { byId(id).textContent = n === null ? '' : '(' + n + ')'; }

  function departmentNames(departments) {
    var names = Object.create(null);
    (departments || []).forEach(function (d) { names[d._id] = d.name; });
    return names;
  }

  // ── The operator's view ───────────────────────────────────────────────────────────────────

  function renderAgents(users, names) {
    var rows = users.slice().sort(function (a, b) { return a.username < b.username ? -1 : a.username > b.username ? 1 : 0; })
      .map(function (a) {
        var capacity = a.maxChats > 0 ? a.maxChats : 0;
        var bar = h('div', { class: 'bar' + (capacity && a.activeChats >= capacity ? ' full' : '') }, [h('span')]);
        bar.firstChild.style.width = capacity ? Math.min(100, (100 * a.activeChats) / capacity) + '%' : '0';
        var load = h('td', { class: 'load', title: capacity ? 'open rooms / maxChats'
          : 'open rooms; no maxChats of their own: Livechat_maximum_chats_per_agent applies' }, [
          h('span', { class: 'load-text' }, [a.activeChats + ' / ' + (capacity || '\u2013')]), capacity ? bar : null,
        ]);
        var departments = (a.departments || []).map(function (id) { return names[id] || id; }).join(', ');
        return h('tr', { 'data-agent-id': a._id, 'data-username': a.username }, [
          h('td', {}, [h('strong', {}, [a.username]), a.name && a.name !== a.username ? h('div', { class: 'sub' }, [a.name]) : null]),
          h('td', { class: 'presence' }, [badge(a.status)]),
          h('td', { class: 'availability' }, [badge(a.statusLivechat)]),
          load,
          h('td', { class: 'sub' }, [departments || '\u2014']),
        ]);
      });
    byId('agents').tBodies[0].replaceChildren.apply(byId('agents').tBodies[0], rows);
    byId('agents-empty').hidden = rows.length > 0;
    setCount('agents-count', rows.length);
  }

  function renderQueue(inquiries, names) {
    var groups = [];
    var byDepartment = Object.create(null);
    inquiries.forEach(function (q) {
      var key = q.department || '';
      if (!byDepartment[key]) {
        byDepartment[key] = { key: key, items: [] };
        groups.push(byDepartment[key]);
      }
      byDepartment[key].items.push(q);
    });
    var nodes = groups.map(function (g) {
      var title = g.key ? (names[g.key] || g.key) : 'No department';
      return h('div', { class: 'group', 'data-department': g.key }, [
        h('h3', {}, [title + ' ', h('span', { class: 'sub' }, ['(' + g.items.length + ' waiting)'])]),
        h('ol', {}, g.items.map(function (q) {
          return h('li', { 'data-rid': q.rid, 'data-inquiry-id': q._id }, [
            h('span', { class: 'name' }, [q.name || (q.v && q.v.username) || q.rid]),
            h('span', { class: 'age', title: 'waiting since ' + clock(q.ts) }, [age(q.ts)]),
            ' ', h('code', {}, [q.rid]),
          ]);
        })),
      ]);
    });
    byId('queue').replaceChildren.apply(byId('queue'), nodes);
    byId('queue-empty').hidden = nodes.length > 0;
    setCount('queue-count', inquiries.length);
  }

  /** The room's last visitor or agent message (as rooms.recent reduces it), and who wrote it when. */
  function lastMessage(r) {
    var m = r.lastMessage;
    if (!m) return h('td', { class: 'last-message' }, [h('span', { class: 'sub' }, ['no message yet'])]);
    return h('td', { class: 'last-message', title: m.msg }, [
      h('span', { class: 'text' }, [m.msg]),
      h('div', { class: 'sub' }, [(m.from === 'visitor' ? 'visitor' : 'agent') + ' ' + m.username + ' \u00b7 ' + clock(m.ts) + ' \u00b7 ' + r.msgs + ' message' + (r.msgs === 1 ? '' : 's')]),
    ]);
  }

  function renderRooms(reply, names) {
    var rows = reply.rooms.map(function (r) {
      var state = !r.open ? badge('closed') : r.servedBy ? badge('served by ' + r.servedBy.username, 'served') : badge('waiting');
      var response = !r.open ? '\u2014' : r.waitingResponse ? badge('awaiting reply', 'awaiting') : badge('answered', 'answered');
      return h('tr', { 'data-rid': r._id }, [
        h('td', {}, [r.fname || r.v.username, h('div', { class: 'sub' }, [r.v.username])]),
        h('td', {}, [r.departmentId ? (names[r.departmentId] || r.departmentId) : '\u2014']),
        h('td', { class: 'state' }, [state]),
        lastMessage(r),
        h('td', { class: 'response' }, [response]),
        h('td', {}, [r.lastEvent.type, h('div', { class: 'sub' }, [clock(r.lastEvent.occurredAt)])]),
        h('td', {}, [h('code', {}, [r._id])]),
      ]);
    });
    byId('rooms').tBodies[0].replaceChildren.apply(byId('rooms').tBodies[0], rows);
    byId('rooms-empty').hidden = rows.length > 0;
    setCount('rooms-count', rows.length);
    byId('rooms-feed').textContent = 'From this gateway replica\u2019s memory: the rooms of its last ' + reply.feed.buffered +
      ' room and message events (at most ' + reply.feed.capacity + ')' + (reply.feed.live ? '.' : ' \u2014 event feed reconnecting.');
  }

  function settle(promise) {
    return promise.then(function (value) { return { value: value }; }, function (error) { return { error: error }; });
  }

  function failures(results) {
    return results.filter(function (r) { return r.error; }).map(function (r) {
      return r.error instanceof TypeError ? 'gateway unreachable' : String(r.error.message || r.error);
    });
  }

  function showView(id) {
    byId('login').hidden = true;
    byId('login-error').hidden = true;
    byId('dashboard').hidden = id !== 'dashboard';
    byId('agent-view').hidden = id !== 'agent-view';
    byId('logout').hidden = false;
  }

  function refresh() {
    var mine = generation;
    Promise.all([
      settle(call('/livechat/users/agent')),
      settle(call('/livechat/department')),
      settle(call('/livechat/inquiries.queued')),
      settle(call('/console/rooms.recent?count=' + RECENT_ROOMS)),
    ]).then(function (results) {
      if (mine !== generation) return;
      if (results.some(function (r) { return r.error instanceof Unauthorized; })) {
        signOut('The operator token was refused (401 unauthorized). Check LIVECHAT_ADMIN_TOKEN.');
        return;
      }
      var names = departmentNames(results[1].value && results[1].value.departments);
      if (results[0].value) renderAgents(results[0].value.users, names);
      if (results[2].value) renderQueue(results[2].value.inquiries, names);
      if (results[3].value) renderRooms(results[3].value, names);
      var failed = failures(results);
      showView('dashboard');
      setStatus(failed.length ? 'Partly stale: ' + failed.join('; ') : 'Live \u00b7 updated ' + new Date().toLocaleTimeString(), failed.length > 0);
      timer = setTimeout(refresh, POLL_MS);
    });
  }

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
    byId('my-rooms').tBodies[0].replaceChildren.apply(byId('my-rooms').tBodies[0], rows);
    byId('my-rooms-empty').hidden = rows.length > 0;
    setCount('my-rooms-count', rows.length);
    if (chat) {
      var current = rooms.filter(function (r) { return r._id === chat.rid; })[0];
      if (current) setChatOpen(current.open);
    }
  }

  function setChatOpen(open) {
    chat.open = open;
    ['reply', 'send-reply', 'close-comment', 'close-room'].forEach(function (id) { byId(id).disabled = !open; });
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
    Array.prototype.forEach.call(byId('my-rooms').tBodies[0].rows, function (tr) {
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
    var text = byId('reply').value;
    if (!chat || !chat.open || !text.trim()) return;
    var current = chat;
    byId('send-reply').disabled = true;
    call('/chat.sendMessage', { message: { rid: current.rid, msg: text, _id: messageId(text) } }).then(function (reply) {
      if (chat !== current) return;
      current.pendingId = null;
      current.messages[reply.message._id] = reply.message;
      byId('reply').value = '';
      byId('conversation-error').hidden = true;
      renderChat();
    }, chatError).then(function () { byId('send-reply').disabled = !(chat && chat.open); });
  });

  byId('close-form').addEventListener('submit', function (event) {
    event.preventDefault();
    if (!chat || !chat.open) return;
    var comment = byId('close-comment').value.trim();
    call('/livechat/room.closeByUser', comment ? { rid: chat.rid, comment: comment } : { rid: chat.rid }).then(function () {
      byId('close-comment').value = '';
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

  // ── Signing in and out ────────────────────────────────────────────────────────────────────

  function clearDashboard() {
    ['agents', 'rooms', 'my-rooms'].forEach(function (id) { byId(id).tBodies[0].replaceChildren(); });
    byId('queue').replaceChildren();
    byId('messages').replaceChildren();
    ['agents-count', 'queue-count', 'rooms-count', 'my-rooms-count'].forEach(function (id) { setCount(id, null); });
    byId('rooms-feed').textContent = '';
    byId('me-name').textContent = '';
    byId('conversation').hidden = true;
    chat = null;
  }

  function signOut(message) {
    generation += 1;
    clearTimeout(timer);
    sessionStorage.removeItem(OPERATOR_KEY);
    sessionStorage.removeItem(AGENT_KEY);
    clearDashboard();
    byId('dashboard').hidden = true;
    byId('agent-view').hidden = true;
    byId('logout').hidden = true;
    byId('login').hidden = false;
    byId('login-error').textContent = message || '';
    byId('login-error').hidden = !message;
    byId('status').replaceChildren();
    byId('token').value = '';
    byId('user-id').value = '';
    byId('token').focus();
  }

  function start() {
    generation += 1;
    clearTimeout(timer);
    setStatus('Connecting\u2026', false);
    var s = session();
    if (s && s.kind === 'agent') refreshAgent();
    else refresh();
  }

  function loginMode() {
    var checked = document.querySelector('#login input[name=mode]:checked');
    return checked ? checked.value : 'operator';
  }

  function showLoginMode() {
    var agent = loginMode() === 'agent';
    byId('agent-fields').hidden = !agent;
    byId('token-label').textContent = agent ? 'Agent token (X-Auth-Token)' : 'Operator token';
  }

  Array.prototype.forEach.call(document.querySelectorAll('#login input[name=mode]'), function (radio) {
    radio.addEventListener('change', showLoginMode);
  });

  byId('login').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = byId('token').value.trim();
    var userId = byId('user-id').value.trim();
    var agent = loginMode() === 'agent';
    if (!value || (agent && !userId)) return;
    if (/[^\x21-\x7e]/.test(value + userId)) {
      signOut('Tokens and ids are printable ASCII without spaces.');
      return;
    }
    if (agent) sessionStorage.setItem(AGENT_KEY, JSON.stringify({ userId: userId, authToken: value }));
    else sessionStorage.setItem(OPERATOR_KEY, value);
    byId('token').value = '';
    byId('user-id').value = '';
    start();
  });

  byId('logout').addEventListener('click', function () {
    var s = session();
    // An agent's sign-out revokes their token (POST logout): it is no use to anyone after this.
    var revoked = s && s.kind === 'agent' ? call('/logout', {}).catch(function () { return null; }) : Promise.resolve(null);
    revoked.then(function () { signOut(''); });
  });

  showLoginMode();
  if (session()) start();
  else signOut('');
})();
`;

const BODY = String.raw`
<header>
  <h1>livechat <span>console</span></h1>
  <div id="status" role="status" aria-live="polite"></div>
  <button id="logout" type="button" hidden>Sign out</button>
</header>
<main>
  <form id="login" autocomplete="off" hidden>
    <h2>Sign in</h2>
    <fieldset>
      <label><input type="radio" name="mode" value="operator" checked>Operator</label>
      <label><input type="radio" name="mode" value="agent">Agent</label>
    </fieldset>
    <div id="agent-fields" hidden>
      <label for="user-id">Agent id (X-User-Id)</label>
      <input id="user-id" name="user-id" type="text" autocomplete="off" spellcheck="false">
    </div>
    <label for="token" id="token-label">Operator token</label>
    <input id="token" name="token" type="password" autocomplete="off" spellcheck="false">
    <button type="submit">Open the console</button>
    <p id="login-error" class="error" role="alert" hidden></p>
    <p class="hint">Operators: the token is LIVECHAT_ADMIN_TOKEN. Agents: the id and token the operator made for you (users.createToken).
      They stay in this tab (sessionStorage) and are sent as X-Auth-Token (and X-User-Id) to the API.</p>
  </form>
  <div id="dashboard" hidden>
    <section id="agents-section">
      <h2>Agents <span class="count" id="agents-count"></span></h2>
      <table id="agents">
        <thead><tr><th>Agent</th><th>Presence</th><th>Availability</th><th>Load</th><th>Departments</th></tr></thead>
        <tbody></tbody>
      </table>
      <p class="empty" id="agents-empty" hidden>No agents.</p>
    </section>
    <section id="queue-section">
      <h2>Queue <span class="count" id="queue-count"></span></h2>
      <div id="queue"></div>
      <p class="empty" id="queue-empty" hidden>Nobody is waiting.</p>
    </section>
    <section id="rooms-section">
      <h2>Recent rooms <span class="count" id="rooms-count"></span></h2>
      <table id="rooms">
        <thead><tr><th>Visitor</th><th>Department</th><th>State</th><th>Last message</th><th>Response</th><th>Last event</th><th>Room</th></tr></thead>
        <tbody></tbody>
      </table>
      <p class="empty" id="rooms-empty" hidden>No room events yet.</p>
      <p class="hint" id="rooms-feed"></p>
    </section>
  </div>
  <div id="agent-view" hidden>
    <section id="me-section">
      <h2>Signed in as <span id="me-name"></span></h2>
      <span id="me-availability"></span>
      <button id="toggle-availability" type="button" class="secondary"></button>
    </section>
    <section id="my-rooms-section">
      <h2>My rooms <span class="count" id="my-rooms-count"></span></h2>
      <table id="my-rooms">
        <thead><tr><th>Visitor</th><th>State</th><th>Last message</th><th>Response</th></tr></thead>
        <tbody></tbody>
      </table>
      <p class="empty" id="my-rooms-empty" hidden>No rooms yet: the rooms you serve appear here.</p>
    </section>
    <section id="conversation" hidden>
      <h2>Chat with <span id="conversation-title"></span> <span id="conversation-state"></span> <code id="conversation-rid"></code></h2>
      <ol id="messages"></ol>
      <form id="reply-form">
        <textarea id="reply" rows="2" maxlength="10000" placeholder="Your reply"></textarea>
        <button id="send-reply" type="submit">Send</button>
      </form>
      <form id="close-form">
        <input id="close-comment" maxlength="10000" placeholder="Closing comment (optional)">
        <button id="close-room" type="submit" class="secondary">Close the chat</button>
      </form>
      <p id="conversation-error" class="error" role="alert" hidden></p>
    </section>
  </div>
</main>
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's script and style travel inline; the policy allows exactly these two and nothing else inline. */
export const CONSOLE_SCRIPT = SCRIPT;

export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>livechat · console</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;

export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
