import pg from 'pg';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ROOM_EVENTS, ROUTING_COMMANDS, type AdmitRoomReply, type Room, type RoomEvent } from '@livechat/contracts';
import { randomId } from '@livechat/common';
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { assertInvariants } from '../support/invariants.js';
import { readStream } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { Scrape } from '../../harness/prometheus.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const TTL_MS = 1_500;

/**
 * The gap a room served at once opens (docs/guarantees.md#2-no-agent-over-capacity, docs/guarantees.md#4-no-committed-change-loses-its-event): routing has taken an agent's capacity for a
 * room id before rooms inserts the room. Whatever rooms then does — dies, loses the insert to the
 * visitor's other request, opens the room without routing's answer, closes it before routing hears it
 * opened — the capacity comes back exactly once, and the room is served. Two routing replicas sweep.
 */
describe('reservations of capacity for rooms served at once', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  let n = 0;
  const uniq = (name: string) => `${name}-${(n += 1)}`;

  beforeAll(async () => {
    stack = await TestStack.start({
      replicas: { rooms: 1, routing: 2 },
      env: { RESERVATION_TTL_MS: String(TTL_MS), RESERVATION_SWEEP_MS: '100', CONSUMER_ACK_WAIT_SECONDS: '3' },
    });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
  });
  afterAll(() => stack?.stop());

  beforeEach(async () => {
    await chat.retireAllAgents();
  });

  const agentRow = async (id: string) =>
    (await stack.db.query<{ active_chats: number; routed_total: number }>(`SELECT active_chats, routed_total FROM routing.agents WHERE id = $1`, [id]))[0];
  const inquiry = async (rid: string) =>
    (await stack.db.query<{ status: string; agent_id: string | null; version: number }>(`SELECT status, agent_id, version FROM routing.inquiries WHERE room_id = $1`, [rid]))[0];
  const reserved = () => stack.db.query<{ room_id: string; agent_id: string }>(`SELECT room_id, agent_id FROM routing.inquiries WHERE status = 'reserved'`);

  /** A counter summed over the routing replicas (each counts what it did). */
  async function routingCounter(name: string, labels: Record<string, string>): Promise<number> {
    let sum = 0;
    for (const r of stack.all('routing')) sum += (await Scrape.of(r.healthUrl)).value(name, labels);
    return sum;
  }

  it('gives the capacity back once when rooms is SIGKILLed between routing’s answer and its insert (the sweeper, two replicas)', async () => {
    const agentId = await api.createAgent(uniq('killed'), { maxChats: 5 });
    const first = await chat.openRoom();
    expect(first.room.servedBy?._id).toBe(agentId);
    const voidedBefore = await routingCounter('livechat_reservations_total', { outcome: 'voided' });

    const rooms = stack.service('rooms');
    await rooms.stop('SIGTERM');
    await rooms.start({ LIVECHAT_FAULT: 'rooms:before-served-insert' });
    const token = await chat.visitor();
    await api.room({ token }).catch(() => undefined); // rooms dies with the request in hand
    await expectEventually(() => expect(rooms.running).toBe(false), { timeoutMs: 10_000 });
    expect(rooms.logs()).toContain('fault injected at rooms:before-served-insert');

    // Routing took the capacity for a room that does not exist.
    const [pending] = await reserved();
    expect(pending.agent_id).toBe(agentId);
    expect(await agentRow(agentId)).toEqual({ active_chats: 2, routed_total: 2 });
    expect(await stack.db.query(`SELECT 1 FROM rooms.rooms WHERE id = $1`, [pending.room_id])).toEqual([]);

    // rooms comes back; past the deadline both routing replicas sweep, rooms answers "absent" under the
    // fence, and the capacity comes back once: not twice (active would be 0, routed 0).
    await rooms.start({ LIVECHAT_FAULT: '' });
    await expectEventually(async () => expect(await reserved()).toEqual([]), { timeoutMs: 20_000 });
    expect(await inquiry(pending.room_id)).toBeUndefined();
    expect(await agentRow(agentId)).toEqual({ active_chats: 1, routed_total: 1 });
    expect((await routingCounter('livechat_reservations_total', { outcome: 'voided' })) - voidedBefore).toBe(1);

    // The visitor asks again and is served at once.
    const again = await api.room({ token });
    expect(again.body.room.servedBy?._id).toBe(agentId);
  });

  it("gives the capacity of a losing insert back at once (routing.release-reservation) when the visitor's other request opened the room", async () => {
    const agentId = await api.createAgent(uniq('race'), { maxChats: 50 });
    const made = await routingCounter('livechat_reservations_total', { outcome: 'made' });
    const released = await routingCounter('livechat_rpc_duration_seconds_count', { subject: ROUTING_COMMANDS.releaseReservation, outcome: 'ok' });
    const token = await chat.visitor();
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.room({ token })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.room._id)).size).toBe(1);
    expect(answers.filter((a) => a.body.newRoom)).toHaveLength(1);

    await expectEventually(async () => {
      expect(await reserved()).toEqual([]);
      expect(await agentRow(agentId)).toEqual({ active_chats: 1, routed_total: 1 });
    });
    // Every losing request that had a reservation told routing, which gave it back.
    const losers = (await routingCounter('livechat_reservations_total', { outcome: 'made' })) - made - 1;
    await expectEventually(async () =>
      expect((await routingCounter('livechat_rpc_duration_seconds_count', { subject: ROUTING_COMMANDS.releaseReservation, outcome: 'ok' })) - released).toBe(losers),
    );
  });

  it('gives the capacity back and queues the room when rooms opened it without routing’s answer, then serves it', async () => {
    const agentName = uniq('late-answer');
    const agentId = await api.createAgent(agentName);
    const saved = await api.saveDepartment({ name: uniq('late'), enabled: true, showOnRegistration: false }, [{ agentId }]);
    const department = saved.department._id as string;
    const token = await chat.visitor({ department });
    const queuedBefore = await routingCounter('livechat_reservations_total', { outcome: 'queued' });

    // Hold the agent's membership row: routing's reservation takes the capacity and writes the
    // inquiry, then waits on that row, past rooms' admission deadline (ADMISSION_TIMEOUT_MS).
    const blocker = new pg.Client({ connectionString: stack.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM routing.department_agents WHERE department_id = $1 AND agent_id = $2 FOR UPDATE`, [department, agentId]);
      const res = await api.room({ token });
      expect(res.status).toBe(200);
      expect(res.body.room.servedBy).toBeUndefined(); // opened without routing's answer
      await blocker.query('COMMIT');
      const rid = res.body.room._id as string;
      // The reservation commits after the room opened unserved: room.opened gives it back and queues
      // the room, and the queue serves it (a decision, version 1, as for any waiting room).
      expect(await chat.servedBy(token, rid, 20_000)).toBe(agentName);
      await expectEventually(async () => expect(await inquiry(rid)).toEqual({ status: 'taken', agent_id: agentId, version: 1 }));
      expect(await agentRow(agentId)).toEqual({ active_chats: 1, routed_total: 1 });
      expect((await routingCounter('livechat_reservations_total', { outcome: 'queued' })) - queuedBefore).toBe(1);
    } finally {
      await blocker.end();
    }
  });

  it('puts a room served at once back in the queue when its agent is deleted before routing heard it opened, and serves it with another agent', async () => {
    const [a, b] = [uniq('deleted'), uniq('next')];
    const aId = await api.createAgent(a);
    const bId = await api.createAgent(b);
    await api.setAvailability(bId, 'not-available');

    // rooms commits the room served by a, then dies before relaying room.opened.
    const rooms = stack.service('rooms');
    await rooms.stop('SIGTERM');
    await rooms.start({ LIVECHAT_FAULT: 'outbox:before-publish' });
    const token = await chat.visitor();
    await api.room({ token }).catch(() => undefined);
    await expectEventually(() => expect(rooms.running).toBe(false), { timeoutMs: 10_000 });
    const [room] = await stack.db.query<{ id: string; served_by_id: string }>(`SELECT id, served_by_id FROM rooms.rooms WHERE visitor_token = $1`, [token]);
    expect(room.served_by_id).toBe(aId);
    expect(await inquiry(room.id)).toMatchObject({ status: 'reserved', agent_id: aId });

    await api.deleteAgent(aId);
    await api.setAvailability(bId, 'available');
    await rooms.start({ LIVECHAT_FAULT: '' });
    // room.opened (served by a deleted agent) or the fence's answer: back to the queue (version 2, rooms
    // told to clear servedBy), then served by b (version 3).
    await expectEventually(async () => expect((await chat.room(token, room.id)).servedBy?.username).toBe(b), { timeoutMs: 20_000 });
    await expectEventually(async () => expect(await inquiry(room.id)).toEqual({ status: 'taken', agent_id: bId, version: 3 }));
    const [after] = await stack.db.query<{ assignment_version: number }>(`SELECT assignment_version FROM rooms.rooms WHERE id = $1`, [room.id]);
    expect(after.assignment_version).toBe(3);
    expect(await agentRow(bId)).toEqual({ active_chats: 1, routed_total: 1 });
    // Assigned to a, back to the queue when a was deleted (agent null), assigned to b.
    const assigned = (await readStream(stack.nats.url)).filter((e) => e.subject === ROOM_EVENTS.assigned && e.data.room._id === room.id);
    expect(assigned.map((e) => e.data.agent?.username ?? null)).toEqual([a, null, b]);
  });

  it('holds every invariant after the natural paths (the scripted rooms below publish events for rooms rooms never had)', async () => {
    await assertInvariants(stack, null, { capacity: 0, expectQueueDrained: true });
  });

  describe('orderings rooms cannot be made to produce on demand, scripted: the test plays rooms’ part', () => {
    /** Asks routing's admission for a room id of the test's own, as rooms would. */
    async function admit(roomId: string, visitor: Room['v']): Promise<AdmitRoomReply> {
      const nc = await connect({ servers: stack.nats.url });
      try {
        const reply = await nc.request(
          ROUTING_COMMANDS.admitRoom,
          JSON.stringify({ roomId, name: visitor.username, visitor, queuedAt: new Date().toISOString() }),
          { timeout: 5_000 },
        );
        return reply.json<AdmitRoomReply>();
      } finally {
        await nc.close();
      }
    }

    /** Publishes a room event to the stream, as rooms' outbox relay would. */
    async function publish(type: RoomEvent['type'], room: Room): Promise<void> {
      const nc = await connect({ servers: stack.nats.url });
      try {
        const event: RoomEvent = { eventId: randomId(), type, occurredAt: new Date().toISOString(), version: 1, room };
        await jetstream(nc).publish(type, JSON.stringify(event), { msgID: event.eventId });
      } finally {
        await nc.close();
      }
    }

    function wireRoom(roomId: string, visitor: Room['v'], servedBy?: { _id: string; username: string }, closed = false): Room {
      const now = new Date().toISOString();
      const room: Room = { _id: roomId, fname: visitor.username, t: 'l', v: visitor, default: false, ro: false, sysMes: true, msgs: 0, usersCount: servedBy ? 2 : 1, cl: false, ts: now, _updatedAt: now, lm: now, waitingResponse: true, source: { type: 'api' }, queuedAt: now };
      if (servedBy) room.servedBy = { ...servedBy, ts: now };
      if (closed) {
        room.closedAt = now;
        room.closer = 'visitor';
        room.closedBy = { _id: visitor._id, username: visitor.username };
        room.metrics = { chatDuration: 0 };
      } else room.open = true;
      return room;
    }

    const visitor = (): Room['v'] => ({ _id: randomId(), username: uniq('scripted'), token: randomId(), status: 'online' });

    it('room.closed before room.opened: the used reservation closes with its capacity back once, and the late room.opened changes nothing', async () => {
      const agent = uniq('closed-first');
      const agentId = await api.createAgent(agent);
      const roomId = randomId();
      const v = visitor();
      const { reservation } = (await admit(roomId, v)) as { reservation?: { agent: { _id: string; username: string } } };
      expect(reservation?.agent._id).toBe(agentId);
      expect(await agentRow(agentId)).toEqual({ active_chats: 1, routed_total: 1 });
      await publish(ROOM_EVENTS.closed, wireRoom(roomId, v, reservation!.agent, true));
      await expectEventually(async () => expect(await inquiry(roomId)).toMatchObject({ status: 'closed' }));
      await publish(ROOM_EVENTS.opened, wireRoom(roomId, v, reservation!.agent));
      await new Promise((resolve) => setTimeout(resolve, 300)); // nothing should happen: give it the chance
      await expectEventually(async () => {
        expect(await inquiry(roomId)).toMatchObject({ status: 'closed' });
        expect(await agentRow(agentId)).toEqual({ active_chats: 0, routed_total: 1 }); // it was routed to them
      });
    });

    it('room.closed of a room opened without the reservation: capacity and routed count back once', async () => {
      const agentId = await api.createAgent(uniq('closed-unused'));
      const roomId = randomId();
      const v = visitor();
      expect((await admit(roomId, v)) as { reservation?: unknown }).toHaveProperty('reservation');
      await publish(ROOM_EVENTS.closed, wireRoom(roomId, v, undefined, true));
      await expectEventually(async () => {
        expect(await inquiry(roomId)).toMatchObject({ status: 'closed' });
        expect(await agentRow(agentId)).toEqual({ active_chats: 0, routed_total: 0 });
      });
    });

    it('a room.opened after the sweeper voided the reservation (rooms opened the room unserved, late) queues the room', async () => {
      const agentId = await api.createAgent(uniq('after-void'));
      const roomId = randomId();
      const v = visitor();
      expect((await admit(roomId, v)) as { reservation?: unknown }).toHaveProperty('reservation');
      // rooms (the real one) has never heard of this id: past the deadline the fence answers absent.
      await expectEventually(async () => expect(await inquiry(roomId)).toBeUndefined(), { timeoutMs: 10_000 });
      expect(await agentRow(agentId)).toEqual({ active_chats: 0, routed_total: 0 });
      await publish(ROOM_EVENTS.opened, wireRoom(roomId, v));
      await expectEventually(async () => expect(await inquiry(roomId)).toMatchObject({ status: 'taken', agent_id: agentId, version: 1 }));
      await publish(ROOM_EVENTS.closed, wireRoom(roomId, v, undefined, true));
      await expectEventually(async () => expect(await agentRow(agentId)).toEqual({ active_chats: 0, routed_total: 1 }));
    });
  });

});
