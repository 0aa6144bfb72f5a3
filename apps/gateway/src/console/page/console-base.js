// The operator console's browser code, in four scripts that share one scope: the gateway serves
// them inline, in this order (console-base, operator-view, agent-view, sign-in), in one strict
// function (console.page.ts). This one: the page's state, DOM helpers and the API client.

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

/**
 * An element of the page, which has it (a missing id is a fault of this file, not of the data).
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  var node = document.getElementById(id);
  if (!node) throw new Error('console: no #' + id);
  return node;
}

/**
 * A form field of the page (input, textarea or button).
 * @param {string} id
 * @returns {HTMLInputElement & HTMLButtonElement}
 */
function field(id) { return /** @type {HTMLInputElement & HTMLButtonElement} */ (byId(id)); }

/**
 * The body of one of the page's tables.
 * @param {string} id
 * @returns {HTMLTableSectionElement}
 */
function tableBody(id) { return /** @type {HTMLTableElement} */ (byId(id)).tBodies[0]; }

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

/**
 * Who this tab is signed in as: {kind: 'operator', token} or {kind: 'agent', userId, authToken}, or null.
 * @returns {{ kind: 'operator', token: string } | { kind: 'agent', userId: string, authToken: string } | null}
 */
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

/** @returns {Record<string, string>} */
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
