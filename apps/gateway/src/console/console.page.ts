import { createHash } from 'node:crypto';

/**
 * The operator console page: one HTML document with its CSS and vanilla JS inline, no framework and
 * no build step. It lives in this module (not in an .html file) so that `nest build`, which emits
 * only what tsc compiles, ships it without an assets step. Written with String.raw: what is between
 * the backticks is sent byte for byte (no backslash escapes are processed, and it holds no `${`).
 *
 * The page holds no data: it asks for the operator token, keeps it in sessionStorage (this tab only)
 * and polls the operator endpoints with `X-Auth-Token`. Everything it shows is put in the page with
 * textContent and DOM nodes, never parsed as HTML: visitor names are whatever visitors typed.
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
@media (max-width: 900px) { #dashboard { grid-template-columns: 1fr; } }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var TOKEN_KEY = 'livechat.operatorToken';
  var POLL_MS = 1500;
  var RECENT_ROOMS = 25;
  var generation = 0;
  var timer = null;

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

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function Unauthorized() {}

  /** GET an operator endpoint; resolves with the body, rejects with Unauthorized on 401. */
  function call(path) {
    return fetch('/api/v1' + path, {
      headers: { 'X-Auth-Token': token() || '' },
      cache: 'no-store',
      credentials: 'omit',
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.status === 401) throw new Unauthorized();
        if (!res.ok || !body || body.success !== true) {
          throw new Error(path.split('?')[0] + ': ' + res.status + (body && body.error ? ' ' + body.error : ''));
        }
        return body;
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
          h('td', {}, [h('strong', {}, [a.username]), a.name ? h('div', { class: 'sub' }, [a.name]) : null]),
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

  /** The room's last visitor or agent message, and who wrote it when. */
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

  function clearDashboard() {
    ['agents', 'rooms'].forEach(function (id) { byId(id).tBodies[0].replaceChildren(); });
    byId('queue').replaceChildren();
    ['agents-count', 'queue-count', 'rooms-count'].forEach(function (id) { setCount(id, null); });
    byId('rooms-feed').textContent = '';
  }

  function signOut(message) {
    generation += 1;
    clearTimeout(timer);
    sessionStorage.removeItem(TOKEN_KEY);
    clearDashboard();
    byId('dashboard').hidden = true;
    byId('logout').hidden = true;
    byId('login').hidden = false;
    byId('login-error').textContent = message || '';
    byId('login-error').hidden = !message;
    byId('status').replaceChildren();
    byId('token').value = '';
    byId('token').focus();
  }

  function settle(promise) {
    return promise.then(function (value) { return { value: value }; }, function (error) { return { error: error }; });
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
      var failed = results.filter(function (r) { return r.error; }).map(function (r) {
        return r.error instanceof TypeError ? 'gateway unreachable' : String(r.error.message || r.error);
      });
      byId('login').hidden = true;
      byId('login-error').hidden = true;
      byId('dashboard').hidden = false;
      byId('logout').hidden = false;
      setStatus(failed.length ? 'Partly stale: ' + failed.join('; ') : 'Live \u00b7 updated ' + new Date().toLocaleTimeString(), failed.length > 0);
      timer = setTimeout(refresh, POLL_MS);
    });
  }

  function start() {
    generation += 1;
    clearTimeout(timer);
    setStatus('Connecting\u2026', false);
    refresh();
  }

  byId('login').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = byId('token').value.trim();
    if (!value) return;
    if (/[^\x21-\x7e]/.test(value)) {
      signOut('An operator token is printable ASCII without spaces.');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    byId('token').value = '';
    start();
  });
  byId('logout').addEventListener('click', function () { signOut(''); });

  if (token()) start();
  else signOut('');
})();
`;

const BODY = String.raw`
<header>
  <h1>livechat <span>operator console</span></h1>
  <div id="status" role="status" aria-live="polite"></div>
  <button id="logout" type="button" hidden>Sign out</button>
</header>
<main>
  <form id="login" autocomplete="off" hidden>
    <h2>Sign in</h2>
    <label for="token">Operator token</label>
    <input id="token" name="token" type="password" autocomplete="off" spellcheck="false">
    <button type="submit">Open the console</button>
    <p id="login-error" class="error" role="alert" hidden></p>
    <p class="hint">The token (LIVECHAT_ADMIN_TOKEN) stays in this tab (sessionStorage) and is sent as X-Auth-Token to the operator API.</p>
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
<title>livechat · operator console</title>
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
