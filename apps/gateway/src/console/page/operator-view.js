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
  tableBody('agents').replaceChildren.apply(tableBody('agents'), rows);
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
  tableBody('rooms').replaceChildren.apply(tableBody('rooms'), rows);
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
