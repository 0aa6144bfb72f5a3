import { createHash } from 'node:crypto';
import { randomId } from '@livechat/common';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { AgentEntity } from '../../apps/routing/src/agents/agent.entity.js';
import { AgentsRepository } from '../../apps/routing/src/agents/agents.repository.js';
import { AgentPoolRepository } from '../../apps/routing/src/assignment/agent-pool.repository.js';
import { CapacityRepository } from '../../apps/routing/src/assignment/capacity.repository.js';
import { AgentTokensRepository } from '../../apps/routing/src/credentials/agent-tokens.repository.js';
import { lockDispatch, tryLockDispatch } from '../../apps/routing/src/database/routing-locks.js';
import { DepartmentEntity } from '../../apps/routing/src/departments/department.entity.js';
import { DepartmentsRepository } from '../../apps/routing/src/departments/departments.repository.js';
import { InquiriesRepository, type NewInquiry } from '../../apps/routing/src/queue/inquiries.repository.js';
import { InquiryEntity } from '../../apps/routing/src/queue/inquiry.entity.js';
import { ReservationsRepository, type NewReservation } from '../../apps/routing/src/reservations/reservations.repository.js';
import { SettingEntity } from '../../apps/routing/src/settings/setting.entity.js';
import { SettingsService } from '../../apps/routing/src/settings/settings.service.js';
import { CapacitySignal } from '../../apps/routing/src/assignment/capacity.signal.js';
import type { TestDatabase } from '../../harness/database.js';
import { ServiceFixture } from './service-schema.js';

/**
 * The routing service's hand-written statements, each against a real PostgreSQL with the committed
 * migrations: what every one of them answers and writes.
 */
describe('routing repositories (integration: real database, migrations)', () => {
  let fx: ServiceFixture;
  let db: TestDatabase;
  let dataSource: DataSource;
  let pool: pg.Pool;
  let agents: AgentsRepository;
  let departments: DepartmentsRepository;
  let inquiries: InquiriesRepository;
  let reservations: ReservationsRepository;
  let capacity: CapacityRepository;
  let tokens: AgentTokensRepository;
  let snapshot: AgentPoolRepository;
  let settings: SettingsService;

  beforeAll(async () => {
    fx = await ServiceFixture.start('routing');
    ({ db, dataSource, pool } = fx);
    agents = new AgentsRepository(dataSource.getRepository(AgentEntity));
    departments = new DepartmentsRepository(dataSource.getRepository(DepartmentEntity));
    inquiries = new InquiriesRepository(dataSource.getRepository(InquiryEntity));
    reservations = new ReservationsRepository(dataSource, pool);
    capacity = new CapacityRepository();
    tokens = new AgentTokensRepository(dataSource);
    snapshot = new AgentPoolRepository(dataSource, pool);
    settings = new SettingsService(dataSource.getRepository(SettingEntity), new CapacitySignal());
  });

  afterAll(() => fx?.stop());

  const newAgent = (maxChats?: number) => agents.upsert({ username: `agent-${randomId()}`, name: 'Agent', maxChats });
  const agentRow = async (id: string) =>
    (await db.query<{ active_chats: number; routed_total: number }>(`SELECT active_chats, routed_total FROM routing.agents WHERE id = $1`, [id]))[0];
  const newDepartment = (input: { maxNumberSimultaneousChat?: number } = {}) =>
    dataSource.transaction((m) => departments.save(m, undefined, { name: `dep-${randomId()}`, enabled: true, showOnRegistration: true, ...input }, new Date())) as Promise<string>;
  const visitor = () => ({ _id: randomId(), username: 'guest-1', token: randomId() });
  const reservation = (agentId: string, fields: Partial<NewReservation> = {}): NewReservation => ({
    inquiryId: randomId(), roomId: randomId(), agentId, capacity: 1, departmentId: null, departmentCap: 0, preferredAgentId: null,
    name: 'Mary', visitor: visitor(), queuedAt: new Date(), ttlMs: 60_000, ...fields,
  });
  const queued = (fields: Partial<NewInquiry> = {}): NewInquiry => ({
    roomId: randomId(), departmentId: null, preferredAgentId: null, name: 'Mary', visitor: visitor(), ts: new Date(), queuedAt: new Date(), ...fields,
  });

  it('adds an agent once by username, keeping their name and limit when not given again, and lists their departments', async () => {
    const username = `agent-${randomId()}`;
    const first = await agents.upsert({ username, name: 'Alice', maxChats: 3 });
    expect(await agents.upsert({ username })).toEqual(first);
    const department = await newDepartment();
    await dataSource.transaction((m) => departments.replaceMembers(m, department, [{ agentId: first.id }]));
    expect(await agents.list(first.id)).toEqual([{
      _id: first.id, username, name: 'Alice', status: 'online', statusLivechat: 'available', maxChats: 3, activeChats: 0, departments: [department],
    }]);
    expect(await dataSource.transaction((m) => agents.lockForDelete(m, first.id))).toBe(true);
    expect(await dataSource.transaction((m) => agents.lockForDelete(m, 'nobody'))).toBe(false);
  });

  it('saves departments, resolves them by id or name, and keeps members\' counts unless given', async () => {
    const [a, b] = [await newAgent(), await newAgent()];
    const id = await newDepartment({ maxNumberSimultaneousChat: 2 });
    const name = (await dataSource.transaction((m) => departments.find(m, id))).name;
    expect(await departments.resolve(id)).toBe(id);
    expect(await departments.resolve(name)).toBe(id);
    expect(await departments.resolve('nothing')).toBeNull();
    expect(await dataSource.transaction((m) => departments.save(m, 'nothing', { name: 'x', enabled: true, showOnRegistration: true }, new Date()))).toBeNull();

    await dataSource.transaction((m) => departments.replaceMembers(m, id, [{ agentId: a.id, count: 5, order: 2 }, { agentId: b.id }]));
    await dataSource.transaction((m) => departments.replaceMembers(m, id, [{ agentId: a.id, order: 1 }]));
    const members = await dataSource.transaction((m) => departments.members(m, id));
    expect(members).toEqual([{ _id: expect.any(String), agentId: a.id, departmentId: id, username: a.username, count: 5, order: 1 }]);
    const department = await dataSource.transaction((m) => departments.find(m, id));
    expect(department).toMatchObject({ _id: id, name, enabled: true, showOnRegistration: true, numAgents: 1, maxNumberSimultaneousChat: 2 });
    expect((await departments.list()).find((d) => d._id === id)).toEqual(department);
  });

  it('takes an agent\'s capacity for a reservation only within their limit, then confirms or requeues it', async () => {
    const agent = await newAgent();
    const first = reservation(agent.id);
    const made = await reservations.reserve(first);
    expect(made).toEqual({ username: agent.username, deadline: expect.any(Date) });
    expect(await reservations.reserve(reservation(agent.id))).toBeNull();
    expect(await agentRow(agent.id)).toEqual({ active_chats: 1, routed_total: 1 });
    expect(await reservations.pending(first.roomId)).toEqual({ agentId: agent.id, username: agent.username, departmentId: null, version: 1, deadline: made!.deadline });

    expect(await reservations.confirm([{ roomId: first.roomId, agentId: 'someone-else' }])).toEqual(new Set());
    expect(await reservations.confirm([{ roomId: first.roomId, agentId: agent.id }])).toEqual(new Set([first.roomId]));
    expect(await reservations.pending(first.roomId)).toBeNull();

    await dataSource.transaction((m) => capacity.release(m, [{ agentId: agent.id, departmentId: null, unroute: true }]));
    expect(await agentRow(agent.id)).toEqual({ active_chats: 0, routed_total: 0 });

    const second = reservation(agent.id, { ttlMs: 0 });
    await reservations.reserve(second);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await reservations.due(100)).find((d) => d.roomId === second.roomId)).toEqual({ roomId: second.roomId, deadline: expect.any(Date) });
    const requeued = await dataSource.transaction(async (m) => {
      const [locked] = await reservations.lockReserved(m, [second.roomId]);
      expect(locked).toEqual({ id: second.inquiryId, roomId: second.roomId, agentId: agent.id, departmentId: null, version: 1 });
      expect(await reservations.existingAgents(m, [agent.id, 'nobody', agent.id])).toEqual(new Set([agent.id]));
      return reservations.requeue(m, [{ id: locked.id, departmentId: null, name: 'Mary', visitor: second.visitor, ts: new Date(), queuedAt: second.queuedAt, bump: false }]);
    });
    expect(requeued).toEqual([{ id: second.inquiryId, version: 0 }]);
    expect((await inquiries.listQueued()).map((i) => i.roomId)).toContain(second.roomId);
  });

  it('holds a department\'s per-agent limit on its reserved and taken rooms', async () => {
    const agent = await newAgent(5);
    const department = await newDepartment({ maxNumberSimultaneousChat: 1 });
    await dataSource.transaction((m) => departments.replaceMembers(m, department, [{ agentId: agent.id }]));
    const inDepartment = { capacity: 5, departmentId: department, departmentCap: 1 };
    const first = reservation(agent.id, inDepartment);
    expect(await reservations.reserve(first)).not.toBeNull();
    expect(await reservations.reserve(reservation(agent.id, inDepartment))).toBeNull();
    expect((await dataSource.transaction((m) => departments.members(m, department)))[0].count).toBe(1);
    await dataSource.transaction(async (m) => {
      await reservations.markTaken(m, [first.inquiryId]);
      await reservations.remove(m, [first.inquiryId]);
    });
    expect(await reservations.reserve(reservation(agent.id, inDepartment))).not.toBeNull();
  });

  it('queues rooms once, pages the queue, takes and requeues them, and counts the waiting per department', async () => {
    const department = await newDepartment();
    const base = Date.now() - 60_000;
    const list = [0, 1, 2].map((i) => queued({ departmentId: department, queuedAt: new Date(base + i) }));
    expect(await inquiries.insertQueued(list)).toEqual(new Set(list.map((i) => i.roomId)));
    expect(await inquiries.insertQueued([list[0]])).toEqual(new Set());
    const closedFirst = randomId();
    expect(await dataSource.transaction((m) => inquiries.insertClosed(m, closedFirst, new Date()))).toBe(true);
    expect(await inquiries.insertQueued([queued({ roomId: closedFirst })])).toEqual(new Set());

    const mine = (await inquiries.listQueued(department)).map((i) => i.roomId);
    expect(mine).toEqual(list.map((i) => i.roomId));
    const [firstPage, secondPage] = await dataSource.transaction(async (m) => {
      const page = await inquiries.queuedPage(m, null, 1000);
      const at = page.findIndex((i) => i.roomId === list[0].roomId);
      return [page, await inquiries.queuedPage(m, { queuedAt: page[at].queuedAt, id: page[at].id }, 1)];
    });
    expect(secondPage.map((i) => i.roomId)).toEqual([list[1].roomId]);
    expect((await inquiries.queueDepths()).find((d) => d.department === department)).toEqual({ department, depth: 3 });

    const agent = await newAgent();
    const taken = firstPage.find((i) => i.roomId === list[0].roomId)!;
    const versions = await dataSource.transaction((m) => inquiries.markTaken(m, [{ id: taken.id, agentId: agent.id, departmentId: department }], new Date()));
    expect(versions).toEqual(new Map([[taken.id, 1]]));
    expect((await inquiries.queueDepths()).find((d) => d.department === department)).toEqual({ department, depth: 2 });
    const back = await dataSource.transaction((m) => inquiries.requeueAgent(m, agent.id));
    expect(back).toEqual([expect.objectContaining({ id: taken.id, roomId: taken.roomId, status: 'queued', agentId: null, version: 2, queuedAt: taken.queuedAt })]);
    await dataSource.transaction((m) => inquiries.markClosed(m, taken.id));
    expect((await inquiries.listQueued(department)).map((i) => i.roomId)).toEqual([list[1].roomId, list[2].roomId]);
  });

  it('keeps an agent\'s newest tokens, and refuses one for an unknown agent', async () => {
    const agent = await newAgent();
    const hash = (s: string) => createHash('sha256').update(s).digest();
    const at = (s: number) => new Date(Date.now() + s * 1_000);
    expect(await tokens.insert(agent.id, hash('a'), at(1), 2)).toBe(true);
    expect(await tokens.insert(agent.id, hash('b'), at(2), 2)).toBe(true);
    expect(await tokens.insert(agent.id, hash('c'), at(3), 2)).toBe(true);
    expect(await tokens.insert('nobody', hash('d'), at(4), 2)).toBe(false);
    const held = await tokens.agentWithTokens(agent.id);
    expect(held).toMatchObject({ id: agent.id, username: agent.username, name: 'Agent' });
    expect(held!.hashes.map((h) => h.toString('hex')).sort()).toEqual([hash('b'), hash('c')].map((h) => h.toString('hex')).sort());
    expect(await tokens.delete(agent.id, hash('b'))).toBe(true);
    expect(await tokens.delete(agent.id, hash('b'))).toBe(false);
  });

  it('reads the settings, the agents, the departments and who waits in one snapshot', async () => {
    await settings.set('Livechat_maximum_chats_per_agent', 7);
    await settings.set('Livechat_maximum_chats_per_agent', 4);
    const agent = await newAgent();
    const department = await newDepartment({ maxNumberSimultaneousChat: 3 });
    await dataSource.transaction((m) => departments.replaceMembers(m, department, [{ agentId: agent.id, count: 2, order: 1 }]));
    await inquiries.insertQueued([queued({ departmentId: department, preferredAgentId: agent.id })]);
    for (const state of [await snapshot.load(dataSource.manager), await dataSource.transaction((m) => snapshot.load(m))]) {
      expect(state.settings.Livechat_maximum_chats_per_agent).toBe(4);
      expect(state.pool.agent(agent.id)).toEqual({
        id: agent.id, username: agent.username, status: 'online', statusLivechat: 'available', maxChats: null, activeChats: 0, routedTotal: 0, lastRoutedAt: null,
      });
      expect(state.pool.departmentLimit(department)).toBe(3);
      expect(state.pool.candidates(department)).toEqual([expect.objectContaining({ agentId: agent.id, routedCount: 2, order: 1 })]);
      expect(state.waiting).toEqual(expect.arrayContaining([
        { departmentId: department, preferredAgentId: null },
        { departmentId: department, preferredAgentId: agent.id },
      ]));
    }
  });

  it('takes each agent\'s whole share of new rooms within their limit or none of it, and counts them routed in the department', async () => {
    const [roomy, tight] = [await newAgent(), await newAgent()];
    const department = await newDepartment();
    await dataSource.transaction((m) => departments.replaceMembers(m, department, [{ agentId: roomy.id, count: 1 }]));
    const at = new Date(Date.now() - 1_000);
    const taken = await dataSource.transaction((m) => capacity.take(m, [
      { agentId: roomy.id, count: 2, cap: 2 },
      { agentId: tight.id, count: 2, cap: 1 },
    ], at));
    expect(taken).toEqual([{ id: roomy.id, username: roomy.username }]);
    expect(await agentRow(roomy.id)).toEqual({ active_chats: 2, routed_total: 2 });
    expect(await agentRow(tight.id)).toEqual({ active_chats: 0, routed_total: 0 });
    expect((await snapshot.load(dataSource.manager)).pool.agent(roomy.id)?.lastRoutedAt).toEqual(at);
    expect(await dataSource.transaction((m) => capacity.take(m, [{ agentId: roomy.id, count: 1, cap: 2 }], at))).toEqual([]);
    expect(await dataSource.transaction((m) => capacity.take(m, [{ agentId: tight.id, count: 3, cap: 0 }], at))).toEqual([{ id: tight.id, username: tight.username }]);

    await dataSource.transaction((m) => capacity.countRouted(m, [{ agentId: roomy.id, departmentId: department }, { agentId: roomy.id, departmentId: department }]));
    expect((await dataSource.transaction((m) => departments.members(m, department)))[0].count).toBe(3);
  });

  it('counts an agent\'s reserved and taken rooms per department under their row lock', async () => {
    const agent = await newAgent(5);
    const department = await newDepartment();
    await reservations.reserve(reservation(agent.id, { capacity: 5, departmentId: department }));
    await inquiries.insertQueued([queued({ departmentId: department })]);
    const counts = await dataSource.transaction((m) => capacity.lockAndCountByDepartment(m, [agent.id, agent.id]));
    expect(counts).toEqual([{ agentId: agent.id, departmentId: department, active: 1 }]);
    await dataSource.transaction(async (m) => {
      await capacity.lockAndCountByDepartment(m, [agent.id]);
      const other = await pool.connect();
      try {
        await other.query(`SET lock_timeout = '100ms'`);
        await expect(other.query(`UPDATE routing.agents SET active_chats = active_chats WHERE id = $1`, [agent.id])).rejects.toThrow(/lock timeout/);
      } finally {
        other.release();
      }
    });
  });

  it('runs dispatchers one at a time: the dispatch lock is held until the transaction ends', async () => {
    await dataSource.transaction(async (m) => {
      await lockDispatch(m);
      await dataSource.transaction(async (other) => expect(await tryLockDispatch(other)).toBe(false));
    });
    await dataSource.transaction(async (m) => expect(await tryLockDispatch(m)).toBe(true));
  });
});
