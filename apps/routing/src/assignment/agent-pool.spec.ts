import { DEFAULT_SETTINGS, type RoutingSettings } from '@livechat/contracts';
import {
  AgentPool,
  capacityOf,
  type PoolAgent,
  type PoolDepartment,
  type PoolMembership,
  type PoolSnapshot,
} from './agent-pool.js';
import { STRATEGIES } from './strategies.js';

// ── Builders ────────────────────────────────────────────────────────────────────────────────────

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

/** An available, online agent with no limit of their own and no load. */
function agent(username: string, o: Partial<PoolAgent> = {}): PoolAgent {
  return {
    id: `id-${username}`,
    username,
    status: 'online',
    statusLivechat: 'available',
    maxChats: null,
    activeChats: 0,
    routedTotal: 0,
    lastRoutedAt: null,
    ...o,
  };
}

/** An enabled department shown on registration, with no per-agent limit and no fallback. */
function dept(id: string, o: Partial<PoolDepartment> = {}): PoolDepartment {
  return { id, enabled: true, showOnRegistration: true, maxSimultaneousChats: 0, fallbackDepartmentId: null, ...o };
}

function member(departmentId: string, a: PoolAgent, o: Partial<PoolMembership> = {}): PoolMembership {
  return { departmentId, agentId: a.id, count: 0, order: 0, ...o };
}

function settings(o: Partial<RoutingSettings> = {}): RoutingSettings {
  return { ...DEFAULT_SETTINGS, ...o };
}

function pool(s: Partial<PoolSnapshot> = {}, o: Partial<RoutingSettings> = {}): AgentPool {
  return new AgentPool({ agents: [], departments: [], memberships: [], activeInDepartment: [], ...s }, settings(o));
}

const chosen = (p: AgentPool, method: keyof typeof STRATEGIES, departmentId?: string, preferred?: string) =>
  p.choose(STRATEGIES[method], departmentId, preferred)?.agent.username;

// ── capacityOf ──────────────────────────────────────────────────────────────────────────────────

describe('capacityOf', () => {
  it("uses the agent's own maxChats when above 0, over the global limit", () => {
    expect(capacityOf({ maxChats: 2 }, settings({ Livechat_maximum_chats_per_agent: 5 }))).toBe(2);
    expect(capacityOf({ maxChats: 7 }, settings({ Livechat_maximum_chats_per_agent: 5 }))).toBe(7);
    expect(capacityOf({ maxChats: 3 }, settings({ Livechat_maximum_chats_per_agent: 0 }))).toBe(3);
  });

  it('falls back to the global limit when maxChats is null or 0', () => {
    expect(capacityOf({ maxChats: null }, settings({ Livechat_maximum_chats_per_agent: 4 }))).toBe(4);
    expect(capacityOf({ maxChats: 0 }, settings({ Livechat_maximum_chats_per_agent: 4 }))).toBe(4);
  });

  it('answers 0 (unlimited) when neither the agent nor the global limit sets one', () => {
    expect(capacityOf({ maxChats: null }, settings({ Livechat_maximum_chats_per_agent: 0 }))).toBe(0);
    expect(capacityOf({ maxChats: 0 }, settings({ Livechat_maximum_chats_per_agent: 0 }))).toBe(0);
  });
});

// ── isOnline ────────────────────────────────────────────────────────────────────────────────────

describe('AgentPool.isOnline', () => {
  it('counts an available, online agent as online', () => {
    expect(pool().isOnline(agent('a'))).toBe(true);
  });

  it('does not count a not-available agent, even when online', () => {
    expect(pool().isOnline(agent('a', { statusLivechat: 'not-available' }))).toBe(false);
  });

  it('does not count an offline agent, even when available', () => {
    expect(pool().isOnline(agent('a', { status: 'offline' }))).toBe(false);
  });

  it('counts an away agent only when Livechat_enabled_when_agent_idle is true', () => {
    const away = agent('a', { status: 'away' });
    expect(pool({}, { Livechat_enabled_when_agent_idle: true }).isOnline(away)).toBe(true);
    expect(pool({}, { Livechat_enabled_when_agent_idle: false }).isOnline(away)).toBe(false);
  });

  it('still counts an online agent when Livechat_enabled_when_agent_idle is false', () => {
    expect(pool({}, { Livechat_enabled_when_agent_idle: false }).isOnline(agent('a'))).toBe(true);
  });

  it('ignores capacity', () => {
    expect(pool({}, { Livechat_maximum_chats_per_agent: 1 }).isOnline(agent('a', { activeChats: 5 }))).toBe(true);
  });
});

// ── hasCapacity ─────────────────────────────────────────────────────────────────────────────────

describe('AgentPool.hasCapacity', () => {
  it("lets the agent's maxChats win over a lower global limit", () => {
    const p = pool({}, { Livechat_maximum_chats_per_agent: 1 });
    expect(p.hasCapacity(agent('a', { maxChats: 3, activeChats: 2 }))).toBe(true);
    expect(p.hasCapacity(agent('a', { maxChats: 3, activeChats: 3 }))).toBe(false);
  });

  it("lets the agent's maxChats win over a higher global limit", () => {
    const p = pool({}, { Livechat_maximum_chats_per_agent: 10 });
    expect(p.hasCapacity(agent('a', { maxChats: 2, activeChats: 2 }))).toBe(false);
  });

  it('falls back to the global limit when maxChats is null or 0', () => {
    const p = pool({}, { Livechat_maximum_chats_per_agent: 2 });
    expect(p.hasCapacity(agent('a', { maxChats: null, activeChats: 1 }))).toBe(true);
    expect(p.hasCapacity(agent('a', { maxChats: null, activeChats: 2 }))).toBe(false);
    expect(p.hasCapacity(agent('a', { maxChats: 0, activeChats: 1 }))).toBe(true);
    expect(p.hasCapacity(agent('a', { maxChats: 0, activeChats: 2 }))).toBe(false);
  });

  it('treats a global limit of 0 as unlimited', () => {
    expect(pool({}, { Livechat_maximum_chats_per_agent: 0 }).hasCapacity(agent('a', { activeChats: 1000 }))).toBe(true);
  });

  it('has no capacity exactly at the limit, nor above it', () => {
    const p = pool({}, { Livechat_maximum_chats_per_agent: 3 });
    expect(p.hasCapacity(agent('a', { activeChats: 2 }))).toBe(true);
    expect(p.hasCapacity(agent('a', { activeChats: 3 }))).toBe(false);
    expect(p.hasCapacity(agent('a', { activeChats: 4 }))).toBe(false);
  });

  describe("with a department's per-agent limit (maxSimultaneousChats)", () => {
    const a = agent('a', { activeChats: 5 });
    const b = agent('b', { activeChats: 0 });
    const snapshot = (active: PoolSnapshot['activeInDepartment'], maxSimultaneousChats = 2): Partial<PoolSnapshot> => ({
      agents: [a, b],
      departments: [dept('sales', { maxSimultaneousChats }), dept('support', { maxSimultaneousChats })],
      memberships: [member('sales', a), member('support', a), member('sales', b)],
      activeInDepartment: active,
    });

    it("counts only the agent's open rooms in that department, not their total", () => {
      // a has 5 open chats overall but only 1 in sales: still room for one more in sales.
      const p = pool(snapshot([{ agentId: a.id, departmentId: 'sales', active: 1 }]));
      expect(p.hasCapacity(a, 'sales')).toBe(true);
    });

    it("refuses the agent at the department's limit in that department", () => {
      const p = pool(snapshot([{ agentId: a.id, departmentId: 'sales', active: 2 }]));
      expect(p.hasCapacity(a, 'sales')).toBe(false);
    });

    it("does not count the agent's rooms in other departments", () => {
      const p = pool(snapshot([{ agentId: a.id, departmentId: 'support', active: 2 }]));
      expect(p.hasCapacity(a, 'sales')).toBe(true);
      expect(p.hasCapacity(a, 'support')).toBe(false);
    });

    it("does not count other agents' rooms in the department", () => {
      const p = pool(snapshot([{ agentId: a.id, departmentId: 'sales', active: 2 }]));
      expect(p.hasCapacity(b, 'sales')).toBe(true);
    });

    it('treats a department limit of 0 as unlimited', () => {
      const p = pool(snapshot([{ agentId: a.id, departmentId: 'sales', active: 50 }], 0));
      expect(p.hasCapacity(a, 'sales')).toBe(true);
    });

    it('is not applied when no department is asked for', () => {
      const p = pool(snapshot([{ agentId: a.id, departmentId: 'sales', active: 2 }]));
      expect(p.hasCapacity(a)).toBe(true);
    });

    it("still applies the agent's own capacity inside the department", () => {
      const p = pool(snapshot([]), { Livechat_maximum_chats_per_agent: 5 });
      expect(p.hasCapacity(a, 'sales')).toBe(false);
    });
  });
});

// ── isEligible ──────────────────────────────────────────────────────────────────────────────────

describe('AgentPool.isEligible', () => {
  const a = agent('a');
  const outsider = agent('outsider');
  const p = pool({ agents: [a, outsider], departments: [dept('sales')], memberships: [member('sales', a)] });

  it('requires membership of the department when one is given', () => {
    expect(p.isEligible(a, 'sales')).toBe(true);
    expect(p.isEligible(outsider, 'sales')).toBe(false);
  });

  it('requires no membership without a department', () => {
    expect(p.isEligible(outsider)).toBe(true);
  });

  it('refuses a member of a department that has no members list at all', () => {
    expect(p.isEligible(a, 'unknown')).toBe(false);
  });

  it('requires the agent to be online', () => {
    const offline = agent('o', { status: 'offline' });
    const q = pool({ agents: [offline], departments: [dept('sales')], memberships: [member('sales', offline)] });
    expect(q.isEligible(offline, 'sales')).toBe(false);
    expect(q.isEligible(offline)).toBe(false);
  });

  it('requires the agent to be below capacity', () => {
    const busy = agent('busy', { maxChats: 1, activeChats: 1 });
    const q = pool({ agents: [busy], departments: [dept('sales')], memberships: [member('sales', busy)] });
    expect(q.isEligible(busy, 'sales')).toBe(false);
    expect(q.isEligible(busy)).toBe(false);
  });
});

// ── onlineIn ────────────────────────────────────────────────────────────────────────────────────

describe('AgentPool.onlineIn', () => {
  it('without a department, answers whether anyone at all is online', () => {
    expect(pool({ agents: [agent('a', { status: 'offline' }), agent('b', { statusLivechat: 'not-available' })] }).onlineIn()).toBe(false);
    expect(pool({ agents: [agent('a', { status: 'offline' }), agent('b')] }).onlineIn()).toBe(true);
    expect(pool().onlineIn()).toBe(false);
  });

  it('without a department, counts agents at capacity as online', () => {
    expect(pool({ agents: [agent('a', { maxChats: 1, activeChats: 1 })] }).onlineIn()).toBe(true);
    expect(pool({ agents: [agent('a', { activeChats: 3 })] }, { Livechat_maximum_chats_per_agent: 3 }).onlineIn()).toBe(true);
  });

  it("with a department, counts only the department's members", () => {
    const inside = agent('inside', { status: 'offline' });
    const outside = agent('outside');
    const p = pool({ agents: [inside, outside], departments: [dept('sales'), dept('empty')], memberships: [member('sales', inside)] });
    expect(p.onlineIn('sales')).toBe(false);
    expect(p.onlineIn('empty')).toBe(false);
    expect(p.onlineIn()).toBe(true);
  });

  it('with a department, counts members at capacity (agent or department limit) as online', () => {
    const a = agent('a', { maxChats: 1, activeChats: 1 });
    const b = agent('b');
    const p = pool({
      agents: [a, b],
      departments: [dept('sales'), dept('support', { maxSimultaneousChats: 1 })],
      memberships: [member('sales', a), member('support', b)],
      activeInDepartment: [{ agentId: b.id, departmentId: 'support', active: 1 }],
    });
    expect(p.onlineIn('sales')).toBe(true);
    expect(p.onlineIn('support')).toBe(true);
  });

  it('follows the idle setting for away members', () => {
    const away = agent('a', { status: 'away' });
    const s = { agents: [away], departments: [dept('sales')], memberships: [member('sales', away)] };
    expect(pool(s, { Livechat_enabled_when_agent_idle: true }).onlineIn('sales')).toBe(true);
    expect(pool(s, { Livechat_enabled_when_agent_idle: false }).onlineIn('sales')).toBe(false);
  });
});

// ── servingDepartment ───────────────────────────────────────────────────────────────────────────

describe('AgentPool.servingDepartment', () => {
  const busy = agent('busy', { maxChats: 1, activeChats: 1 });
  const off = agent('off', { status: 'offline' });
  const on = agent('on');
  const on2 = agent('on2');

  it('answers the own department when someone is online there, even at capacity', () => {
    const p = pool({
      agents: [busy, on],
      departments: [dept('a', { fallbackDepartmentId: 'b' }), dept('b')],
      memberships: [member('a', busy), member('b', on)],
    });
    expect(p.servingDepartment('a')).toBe('a');
  });

  it('follows the fallback chain to the first department with someone online', () => {
    const p = pool({
      agents: [off, on, on2],
      departments: [
        dept('a', { fallbackDepartmentId: 'b' }),
        dept('b', { fallbackDepartmentId: 'c' }),
        dept('c', { fallbackDepartmentId: 'd' }),
        dept('d'),
      ],
      memberships: [member('a', off), member('b', off), member('c', on), member('d', on2)],
    });
    expect(p.servingDepartment('a')).toBe('c');
    expect(p.servingDepartment('b')).toBe('c');
    expect(p.servingDepartment('d')).toBe('d');
  });

  it('answers null when nobody is online anywhere along the chain', () => {
    const p = pool({
      agents: [off, on],
      departments: [dept('a', { fallbackDepartmentId: 'b' }), dept('b'), dept('elsewhere')],
      memberships: [member('a', off), member('elsewhere', on)],
    });
    expect(p.servingDepartment('a')).toBeNull();
  });

  it('answers null for a department with nobody online and no fallback', () => {
    const p = pool({ agents: [off], departments: [dept('a')], memberships: [member('a', off)] });
    expect(p.servingDepartment('a')).toBeNull();
  });

  it('terminates on a cycle in the fallback chain', () => {
    const p = pool({
      agents: [off],
      departments: [dept('a', { fallbackDepartmentId: 'b' }), dept('b', { fallbackDepartmentId: 'c' }), dept('c', { fallbackDepartmentId: 'a' })],
      memberships: [member('a', off)],
    });
    expect(p.servingDepartment('a')).toBeNull();
    const self = pool({ departments: [dept('s', { fallbackDepartmentId: 's' })] });
    expect(self.servingDepartment('s')).toBeNull();
  });

  it('still finds an online department reached before the cycle closes', () => {
    const p = pool({
      agents: [off, on],
      departments: [dept('a', { fallbackDepartmentId: 'b' }), dept('b', { fallbackDepartmentId: 'a' })],
      memberships: [member('a', off), member('b', on)],
    });
    expect(p.servingDepartment('a')).toBe('b');
  });
});

// ── defaultDepartment ───────────────────────────────────────────────────────────────────────────

describe('AgentPool.defaultDepartment', () => {
  it('answers the first department in snapshot order with an eligible agent', () => {
    const a = agent('a');
    const b = agent('b');
    const p = pool({ agents: [a, b], departments: [dept('z'), dept('y')], memberships: [member('y', b), member('z', a)] });
    expect(p.defaultDepartment()).toBe('z');
  });

  it('skips disabled departments', () => {
    const a = agent('a');
    const p = pool({ agents: [a], departments: [dept('x', { enabled: false }), dept('y')], memberships: [member('x', a), member('y', a)] });
    expect(p.defaultDepartment()).toBe('y');
  });

  it('skips departments not shown on registration', () => {
    const a = agent('a');
    const p = pool({
      agents: [a],
      departments: [dept('x', { showOnRegistration: false }), dept('y')],
      memberships: [member('x', a), member('y', a)],
    });
    expect(p.defaultDepartment()).toBe('y');
  });

  it('skips departments whose agents are all at capacity', () => {
    const busy = agent('busy', { maxChats: 2, activeChats: 2 });
    const free = agent('free');
    const p = pool({ agents: [busy, free], departments: [dept('x'), dept('y')], memberships: [member('x', busy), member('y', free)] });
    expect(p.defaultDepartment()).toBe('y');
  });

  it("skips departments whose agents are all at the department's own limit", () => {
    const a = agent('a');
    const p = pool({
      agents: [a],
      departments: [dept('x', { maxSimultaneousChats: 1 }), dept('y')],
      memberships: [member('x', a), member('y', a)],
      activeInDepartment: [{ agentId: a.id, departmentId: 'x', active: 1 }],
    });
    expect(p.defaultDepartment()).toBe('y');
  });

  it('skips departments with no members or only offline members', () => {
    const off = agent('off', { status: 'offline' });
    const on = agent('on');
    const p = pool({ agents: [off, on], departments: [dept('empty'), dept('x'), dept('y')], memberships: [member('x', off), member('y', on)] });
    expect(p.defaultDepartment()).toBe('y');
  });

  it('answers undefined when no department fits', () => {
    const a = agent('a', { maxChats: 1, activeChats: 1 });
    const b = agent('b');
    const p = pool({
      agents: [a, b],
      departments: [dept('busy'), dept('hidden', { showOnRegistration: false }), dept('off', { enabled: false })],
      memberships: [member('busy', a), member('hidden', b), member('off', b)],
    });
    expect(p.defaultDepartment()).toBeUndefined();
    expect(pool().defaultDepartment()).toBeUndefined();
  });
});

// ── choose ──────────────────────────────────────────────────────────────────────────────────────

describe('AgentPool.choose', () => {
  describe('preferred agent', () => {
    const alice = agent('alice', { routedTotal: 10 });
    const bob = agent('bob');
    const base = { agents: [alice, bob] };

    it('gives the room to the preferred agent when eligible, over the strategy', () => {
      expect(chosen(pool(base), 'Auto_Selection', undefined, alice.id)).toBe('alice');
      expect(chosen(pool(base), 'Auto_Selection')).toBe('bob');
    });

    it('gives the room to the preferred agent even under Manual_Selection', () => {
      expect(chosen(pool(base), 'Manual_Selection', undefined, alice.id)).toBe('alice');
    });

    it('ignores a preferred agent at capacity and answers the strategy pick', () => {
      const p = pool({ agents: [agent('alice', { maxChats: 1, activeChats: 1 }), bob] });
      expect(chosen(p, 'Auto_Selection', undefined, 'id-alice')).toBe('bob');
    });

    it('ignores a preferred agent who is not online', () => {
      const p = pool({ agents: [agent('alice', { statusLivechat: 'not-available' }), bob] });
      expect(chosen(p, 'Auto_Selection', undefined, 'id-alice')).toBe('bob');
    });

    it("ignores a preferred agent outside the room's department", () => {
      const p = pool({ agents: [alice, bob], departments: [dept('sales')], memberships: [member('sales', bob, { count: 99 })] });
      const choice = p.choose(STRATEGIES.Auto_Selection, 'sales', alice.id);
      expect(choice?.agent.username).toBe('bob');
      expect(choice?.departmentId).toBe('sales');
    });

    it('ignores an unknown preferred agent', () => {
      expect(chosen(pool(base), 'Auto_Selection', undefined, 'id-nobody')).toBe('bob');
    });

    it('answers undefined under Manual_Selection when the preferred agent is not eligible', () => {
      const p = pool({ agents: [agent('alice', { status: 'offline' }), bob] });
      expect(p.choose(STRATEGIES.Manual_Selection, undefined, 'id-alice')).toBeUndefined();
    });
  });

  it('answers undefined under Manual_Selection without a preferred agent', () => {
    const a = agent('a');
    const p = pool({ agents: [a], departments: [dept('sales')], memberships: [member('sales', a)] });
    expect(p.choose(STRATEGIES.Manual_Selection)).toBeUndefined();
    expect(p.choose(STRATEGIES.Manual_Selection, 'sales')).toBeUndefined();
  });

  it("answers the strategy's best eligible agent, skipping ineligible ones", () => {
    const p = pool({
      agents: [
        agent('a', { status: 'offline' }),
        agent('b', { maxChats: 1, activeChats: 1 }),
        agent('c', { activeChats: 2 }),
        agent('d', { activeChats: 1 }),
      ],
    });
    expect(chosen(p, 'Load_Balancing')).toBe('d');
  });

  it('answers undefined when nobody is eligible', () => {
    expect(pool({ agents: [agent('a', { status: 'offline' })] }).choose(STRATEGIES.Auto_Selection)).toBeUndefined();
    expect(pool().choose(STRATEGIES.Load_Rotation)).toBeUndefined();
  });

  it('answers no departmentId for a room without a department', () => {
    const choice = pool({ agents: [agent('a')] }).choose(STRATEGIES.Auto_Selection);
    expect(choice?.agent.username).toBe('a');
    expect(choice?.departmentId).toBeUndefined();
  });

  it("chooses only among the room's department members", () => {
    const inside = agent('z-inside', { routedTotal: 50 });
    const outside = agent('a-outside');
    const p = pool({ agents: [inside, outside], departments: [dept('sales')], memberships: [member('sales', inside)] });
    const choice = p.choose(STRATEGIES.Auto_Selection, 'sales');
    expect(choice?.agent.username).toBe('z-inside');
    expect(choice?.departmentId).toBe('sales');
  });

  it("ranks Auto_Selection by the department's routed count and order, not the agent's total", () => {
    const a = agent('a', { routedTotal: 0 });
    const b = agent('b', { routedTotal: 100 });
    const c = agent('c', { routedTotal: 0 });
    const p = pool({
      agents: [a, b, c],
      departments: [dept('sales')],
      memberships: [member('sales', a, { count: 3 }), member('sales', b, { count: 1, order: 2 }), member('sales', c, { count: 1, order: 1 })],
    });
    expect(chosen(p, 'Auto_Selection', 'sales')).toBe('c');
  });

  it('lets the room wait in its own department when its agents are online but busy', () => {
    const busy = agent('busy', { maxChats: 1, activeChats: 1 });
    const spare = agent('spare');
    const p = pool({
      agents: [busy, spare],
      departments: [dept('sales', { fallbackDepartmentId: 'support' }), dept('support')],
      memberships: [member('sales', busy), member('support', spare)],
    });
    expect(p.choose(STRATEGIES.Auto_Selection, 'sales')).toBeUndefined();
    // Not even a preferred agent from the fallback department takes it.
    expect(p.choose(STRATEGIES.Auto_Selection, 'sales', spare.id)).toBeUndefined();
  });

  it("lets the room wait when its agents are at the department's own limit", () => {
    const a = agent('a');
    const spare = agent('spare');
    const p = pool({
      agents: [a, spare],
      departments: [dept('sales', { fallbackDepartmentId: 'support', maxSimultaneousChats: 1 }), dept('support')],
      memberships: [member('sales', a), member('support', spare)],
      activeInDepartment: [{ agentId: a.id, departmentId: 'sales', active: 1 }],
    });
    expect(p.choose(STRATEGIES.Load_Balancing, 'sales')).toBeUndefined();
  });

  it("gives the room to the fallback department's agent when nobody is online in its own", () => {
    const off = agent('off', { status: 'offline' });
    const spare = agent('spare');
    const p = pool({
      agents: [off, spare],
      departments: [dept('sales', { fallbackDepartmentId: 'support' }), dept('support')],
      memberships: [member('sales', off), member('support', spare)],
    });
    const choice = p.choose(STRATEGIES.Auto_Selection, 'sales');
    expect(choice?.agent.username).toBe('spare');
    expect(choice?.departmentId).toBe('support');
  });

  it('reports the fallback department for a preferred agent serving through the fallback', () => {
    const off = agent('off', { status: 'offline' });
    const x = agent('x');
    const y = agent('y');
    const p = pool({
      agents: [off, x, y],
      departments: [dept('sales', { fallbackDepartmentId: 'support' }), dept('support')],
      memberships: [member('sales', off), member('support', x), member('support', y)],
    });
    const choice = p.choose(STRATEGIES.Auto_Selection, 'sales', y.id);
    expect(choice?.agent.username).toBe('y');
    expect(choice?.departmentId).toBe('support');
  });

  it('answers undefined when nobody is online along the whole chain', () => {
    const off = agent('off', { status: 'offline' });
    const p = pool({
      agents: [off, agent('elsewhere')],
      departments: [dept('sales', { fallbackDepartmentId: 'support' }), dept('support')],
      memberships: [member('sales', off)],
    });
    expect(p.choose(STRATEGIES.Auto_Selection, 'sales')).toBeUndefined();
  });
});

// ── record ──────────────────────────────────────────────────────────────────────────────────────

describe('AgentPool.record', () => {
  it("increments the agent's open chats and routed total and sets the last routing time", () => {
    const p = pool({ agents: [agent('a', { activeChats: 1, routedTotal: 4, lastRoutedAt: at(1) })] });
    p.record('id-a', undefined, at(9));
    expect(p.agent('id-a')).toMatchObject({ activeChats: 2, routedTotal: 5, lastRoutedAt: at(9) });
  });

  it('does not change the snapshot it was built from', () => {
    const a = agent('a');
    const m = member('sales', a);
    const p = pool({ agents: [a], departments: [dept('sales')], memberships: [m] });
    p.record(a.id, 'sales', at(1));
    expect(a).toMatchObject({ activeChats: 0, routedTotal: 0, lastRoutedAt: null });
    expect(m.count).toBe(0);
  });

  it('ignores an unknown agent', () => {
    const p = pool({ agents: [agent('a')] });
    expect(() => p.record('id-nobody', 'sales', at(1))).not.toThrow();
    expect(p.agent('id-a')?.activeChats).toBe(0);
  });

  it('makes Auto_Selection alternate between two agents across successive choices', () => {
    const p = pool({ agents: [agent('a'), agent('b')] });
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const choice = p.choose(STRATEGIES.Auto_Selection)!;
      picks.push(choice.agent.username);
      p.record(choice.agent.id, choice.departmentId, at(i));
    }
    expect(picks).toEqual(['a', 'b', 'a', 'b']);
  });

  it("makes Auto_Selection alternate within a department by the membership's count", () => {
    // b's large routed total outside the department must not matter; the department counts do.
    const a = agent('a');
    const b = agent('b', { routedTotal: 100 });
    const p = pool({ agents: [a, b], departments: [dept('sales')], memberships: [member('sales', a), member('sales', b)] });
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const choice = p.choose(STRATEGIES.Auto_Selection, 'sales')!;
      picks.push(choice.agent.username);
      p.record(choice.agent.id, choice.departmentId, at(i));
    }
    expect(picks).toEqual(['a', 'b', 'a', 'b']);
  });

  it('makes Load_Balancing and Load_Rotation move on to the next agent', () => {
    for (const method of ['Load_Balancing', 'Load_Rotation'] as const) {
      const p = pool({ agents: [agent('a'), agent('b'), agent('c')] });
      const picks: string[] = [];
      for (let i = 0; i < 3; i++) {
        const choice = p.choose(STRATEGIES[method])!;
        picks.push(choice.agent.username);
        p.record(choice.agent.id, undefined, at(i));
      }
      expect(picks, method).toEqual(['a', 'b', 'c']);
    }
  });

  it('does not choose an agent with a cap of 1 twice', () => {
    const p = pool({ agents: [agent('a', { maxChats: 1 }), agent('b', { routedTotal: 5 })] });
    const first = p.choose(STRATEGIES.Auto_Selection)!;
    expect(first.agent.username).toBe('a');
    p.record(first.agent.id, undefined, at(1));
    expect(chosen(p, 'Auto_Selection')).toBe('b');
    expect(p.isEligible(p.agent('id-a')!)).toBe(false);
  });

  it("counts the room against the department's per-agent limit", () => {
    const a = agent('a');
    const p = pool({
      agents: [a],
      departments: [dept('sales', { maxSimultaneousChats: 2 })],
      memberships: [member('sales', a)],
      activeInDepartment: [{ agentId: a.id, departmentId: 'sales', active: 1 }],
    });
    expect(p.hasCapacity(p.agent(a.id)!, 'sales')).toBe(true);
    p.record(a.id, 'sales', at(1));
    expect(p.hasCapacity(p.agent(a.id)!, 'sales')).toBe(false);
    expect(p.choose(STRATEGIES.Auto_Selection, 'sales')).toBeUndefined();
  });

  it('starts the department count from zero for an agent with no open rooms there', () => {
    const a = agent('a');
    const p = pool({ agents: [a], departments: [dept('sales', { maxSimultaneousChats: 1 })], memberships: [member('sales', a)] });
    expect(p.isEligible(p.agent(a.id)!, 'sales')).toBe(true);
    p.record(a.id, 'sales', at(1));
    expect(p.isEligible(p.agent(a.id)!, 'sales')).toBe(false);
  });

  it("does not count a room without a department against any department's limit", () => {
    const a = agent('a');
    const p = pool({ agents: [a], departments: [dept('sales', { maxSimultaneousChats: 1 })], memberships: [member('sales', a)] });
    p.record(a.id, undefined, at(1));
    expect(p.isEligible(p.agent(a.id)!, 'sales')).toBe(true);
  });
});

// ── exclude / anyoneAvailable ───────────────────────────────────────────────────────────────────

describe('AgentPool.exclude', () => {
  it('removes the agent from all choices, with and without a department', () => {
    const a = agent('a');
    const b = agent('b', { routedTotal: 9 });
    const p = pool({ agents: [a, b], departments: [dept('sales')], memberships: [member('sales', a), member('sales', b, { count: 9 })] });
    expect(chosen(p, 'Auto_Selection')).toBe('a');
    expect(chosen(p, 'Auto_Selection', 'sales')).toBe('a');
    p.exclude(a.id);
    expect(p.agent(a.id)).toBeUndefined();
    expect(chosen(p, 'Auto_Selection')).toBe('b');
    expect(chosen(p, 'Auto_Selection', 'sales')).toBe('b');
    expect(chosen(p, 'Auto_Selection', undefined, a.id)).toBe('b');
  });

  it("no longer counts the agent as online in their departments", () => {
    const a = agent('a');
    const p = pool({ agents: [a], departments: [dept('sales')], memberships: [member('sales', a)] });
    p.exclude(a.id);
    expect(p.onlineIn('sales')).toBe(false);
    expect(p.onlineIn()).toBe(false);
    expect(p.defaultDepartment()).toBeUndefined();
    expect(p.choose(STRATEGIES.Auto_Selection, 'sales')).toBeUndefined();
  });
});

describe('AgentPool.anyoneAvailable', () => {
  it('is false with no agents', () => {
    expect(pool().anyoneAvailable()).toBe(false);
  });

  it('is true when some agent is online and below capacity', () => {
    expect(pool({ agents: [agent('off', { status: 'offline' }), agent('on', { maxChats: 2, activeChats: 1 })] }).anyoneAvailable()).toBe(true);
  });

  it('is false when every online agent is at capacity', () => {
    const p = pool({ agents: [agent('a', { maxChats: 1, activeChats: 1 }), agent('b', { activeChats: 3 })] }, { Livechat_maximum_chats_per_agent: 3 });
    expect(p.anyoneAvailable()).toBe(false);
  });

  it('is false when every agent with capacity is offline, not-available or (idle disabled) away', () => {
    const agents = [agent('a', { status: 'offline' }), agent('b', { statusLivechat: 'not-available' }), agent('c', { status: 'away' })];
    expect(pool({ agents }, { Livechat_enabled_when_agent_idle: false }).anyoneAvailable()).toBe(false);
    expect(pool({ agents }, { Livechat_enabled_when_agent_idle: true }).anyoneAvailable()).toBe(true);
  });

  it('turns false once the last free agent is recorded to capacity, or excluded', () => {
    const recorded = pool({ agents: [agent('a', { maxChats: 1 })] });
    expect(recorded.anyoneAvailable()).toBe(true);
    recorded.record('id-a', undefined, at(1));
    expect(recorded.anyoneAvailable()).toBe(false);

    const excluded = pool({ agents: [agent('a')] });
    excluded.exclude('id-a');
    expect(excluded.anyoneAvailable()).toBe(false);
  });
});

describe('AgentPool.canServeAnyOf (a new room does not jump the queue)', () => {
  const a = agent('a', { maxChats: 1 });
  const b = agent('b');

  it('is false for an empty queue', () => {
    expect(pool({ agents: [a] }).canServeAnyOf(STRATEGIES.Auto_Selection, [])).toBe(false);
  });

  it('is true when a waiting room without a department has an eligible agent', () => {
    expect(pool({ agents: [a] }).canServeAnyOf(STRATEGIES.Auto_Selection, [{ departmentId: null, preferredAgentId: null }])).toBe(true);
  });

  it('is false when the agents who could serve the waiting rooms are at capacity', () => {
    const busy = pool({ agents: [{ ...a, activeChats: 1 }] });
    expect(busy.canServeAnyOf(STRATEGIES.Load_Balancing, [{ departmentId: null, preferredAgentId: null }])).toBe(false);
  });

  it("looks at the waiting room's department (and its fallback), not at anyone's", () => {
    const p = pool({
      agents: [{ ...a, activeChats: 1 }, b],
      departments: [dept('sales', { fallbackDepartmentId: 'support' }), dept('support'), dept('other')],
      memberships: [member('sales', a), member('other', b)],
    });
    // sales: its only member is busy (online, so no fallback): nobody can serve its waiting room.
    expect(p.canServeAnyOf(STRATEGIES.Auto_Selection, [{ departmentId: 'sales', preferredAgentId: null }])).toBe(false);
    expect(p.canServeAnyOf(STRATEGIES.Auto_Selection, [{ departmentId: 'other', preferredAgentId: null }])).toBe(true);
  });

  it('under Manual_Selection, only a waiting room whose preferred agent is eligible could be served', () => {
    const p = pool({ agents: [a, b] });
    expect(p.canServeAnyOf(STRATEGIES.Manual_Selection, [{ departmentId: null, preferredAgentId: null }])).toBe(false);
    expect(p.canServeAnyOf(STRATEGIES.Manual_Selection, [{ departmentId: null, preferredAgentId: b.id }])).toBe(true);
  });
});
