// ── Signing in and out ────────────────────────────────────────────────────────────────────

function clearDashboard() {
  ['agents', 'rooms', 'my-rooms'].forEach(function (id) { tableBody(id).replaceChildren(); });
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
  field('token').value = '';
  field('user-id').value = '';
  field('token').focus();
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
  var checked = /** @type {HTMLInputElement | null} */ (document.querySelector('#login input[name=mode]:checked'));
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
  var value = field('token').value.trim();
  var userId = field('user-id').value.trim();
  var agent = loginMode() === 'agent';
  if (!value || (agent && !userId)) return;
  if (/[^\x21-\x7e]/.test(value + userId)) {
    signOut('Tokens and ids are printable ASCII without spaces.');
    return;
  }
  if (agent) sessionStorage.setItem(AGENT_KEY, JSON.stringify({ userId: userId, authToken: value }));
  else sessionStorage.setItem(OPERATOR_KEY, value);
  field('token').value = '';
  field('user-id').value = '';
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
