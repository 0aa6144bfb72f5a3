import { STREAMS } from '@livechat/contracts';
import { EntityColumns, ensureStream, randomId, type Clock, type Outbox } from '@livechat/common';
import type { DataSource } from 'typeorm';
import { afterNewMessage, type Writer } from '../../apps/rooms/src/messages/conversation.js';
import { MarkdownParser } from '../../apps/rooms/src/messages/markdown/markdown.parser.js';
import { MessageEntity } from '../../apps/rooms/src/messages/message.entity.js';
import { MessagesRepository } from '../../apps/rooms/src/messages/messages.repository.js';
import { MessagesService } from '../../apps/rooms/src/messages/messages.service.js';
import { RoomEntity } from '../../apps/rooms/src/rooms/room.entity.js';
import { RoomsRepository } from '../../apps/rooms/src/rooms/rooms.repository.js';
import { VisitorEntity } from '../../apps/rooms/src/visitors/visitor.entity.js';
import { VisitorsRepository } from '../../apps/rooms/src/visitors/visitors.repository.js';
import type { TestDatabase } from '../../harness/database.js';
import { ServiceFixture } from './service-schema.js';

const AGENT = { _id: 'AgentAgentAgent17', username: 'alice', name: 'Alice' };

/**
 * docs/guarantees.md#8-a-message-change-is-stored-counted-and-published-once at the service level, against a real PostgreSQL with the committed migrations: a visitor
 * and the serving agent writing to one room at once (the agents' endpoint comes later; the service
 * function it will call is here). Nothing is lost: the room's fields are exactly what the rules give
 * when replayed over the stored messages in their order.
 */
describe('the conversation service under concurrency (integration: real database, migrations)', () => {
  let fx: ServiceFixture;
  let db: TestDatabase;
  let dataSource: DataSource;
  let outbox: Outbox;
  let markdown: MarkdownParser;
  let service: MessagesService;

  beforeAll(async () => {
    fx = await ServiceFixture.start('rooms', { nats: true, dataSourcePoolSize: 20, poolMax: 4 });
    ({ db, dataSource } = fx);
    const pool = fx.pool;
    await ensureStream(fx.nc, STREAMS.events);
    outbox = fx.outbox();
    markdown = new MarkdownParser({ budgetMs: 2_000, threads: 2, workerUrl: new URL('../../apps/rooms/src/messages/markdown/markdown.worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] });
    const clock: Clock = { now: () => new Date() };
    service = new MessagesService(new MessagesRepository(dataSource, pool), new RoomsRepository(pool, dataSource.getRepository(RoomEntity)), new VisitorsRepository(pool, dataSource.getRepository(VisitorEntity)), outbox, markdown, clock);
  });

  afterAll(async () => {
    await markdown?.onApplicationShutdown();
    await fx?.stop();
  });

  /** A visitor with an open room served by AGENT, written straight into the tables. */
  async function servedRoom(): Promise<{ rid: string; token: string }> {
    const visitorId = randomId();
    const rid = randomId();
    const token = `int-${randomId()}`;
    await db.query(`INSERT INTO rooms.visitors (id, token, username, name, status, ts, updated_at) VALUES ($1, $2, $3, 'Mary', 'online', now(), now())`, [visitorId, token, `guest-${rid}`]);
    await db.query(
      `INSERT INTO rooms.rooms (id, visitor_id, visitor_username, visitor_token, visitor_status, fname, open, msgs, users_count, source,
                                ts, updated_at, lm, queued_at, served_by_id, served_by_username, served_by_ts, assignment_version)
       VALUES ($1, $2, $3, $4, 'online', 'Mary', true, 0, 2, '{"type":"api"}', now() - interval '1 minute', now() - interval '1 minute',
               now() - interval '1 minute', now() - interval '1 minute', $5, $6, now() - interval '30 seconds', 1)`,
      [rid, visitorId, `guest-${rid}`, token, AGENT._id, AGENT.username],
    );
    return { rid, token };
  }

  const roomRow = async (rid: string) => (await db.query<RoomEntity>(`SELECT ${new EntityColumns(dataSource.getMetadata(RoomEntity)).select()} FROM rooms.rooms WHERE id = $1`, [rid]))[0];

  it('keeps msgs, lastMessage, waitingResponse, responseBy and metrics exact when visitor and agent write at once', async () => {
    const { rid, token } = await servedRoom();
    const initial = await roomRow(rid);
    // 30 visitor and 30 agent messages, shuffled, all at once.
    const writers: Writer[] = [...Array(30).fill('visitor'), ...Array(30).fill('agent')].sort(() => Math.random() - 0.5);
    const replies = await Promise.all(
      writers.map((w, i) => (w === 'visitor' ? service.send({ token, rid, msg: `v${i}` }) : service.sendAsAgent({ rid, msg: `a${i}`, agent: AGENT }))),
    );
    const room = await roomRow(rid);
    expect(room.msgs).toBe(60);
    const stored = await db.query<MessageEntity>(`SELECT ${new EntityColumns(dataSource.getMetadata(MessageEntity)).select()} FROM rooms.messages WHERE rid = $1 ORDER BY ts, id`, [rid]);
    expect(stored).toHaveLength(60);
    expect(new Set(stored.map((m) => m.id))).toEqual(new Set(replies.map((r) => r.message._id)));

    // Replaying the rules over the messages in their stored order gives exactly the stored room.
    let replayed: RoomEntity = initial;
    for (const row of stored) {
      replayed = { ...replayed, ...afterNewMessage(replayed, Object.assign(new MessageEntity(), row), row.token ? 'visitor' : 'agent') };
    }
    for (const field of ['msgs', 'lm', 'lastMessage', 'visitorLastMessageTs', 'waitingResponse', 'responseBy', 'metrics', 'updatedAt'] as const) {
      expect(room[field], field).toEqual(replayed[field]);
    }
    // Every message was published once, each with the room as that message left it.
    const events = await db.query<{ payload: string }>(`SELECT payload FROM rooms.outbox WHERE subject = 'message.sent' AND payload::jsonb #>> '{room,_id}' = $1`, [rid]);
    expect(events).toHaveLength(60);
    expect(events.map((e) => JSON.parse(e.payload).room.msgs).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it("stores an agent's message once for retries of one _id at once, and refuses an agent who does not serve the room", async () => {
    const { rid } = await servedRoom();
    const _id = `agent-retry-${randomId()}`;
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => service.sendAsAgent({ rid, msg: `try ${i}`, _id, agent: AGENT })));
    for (const r of replies) expect(r.message).toEqual(replies[0].message);
    expect((await roomRow(rid)).msgs).toBe(1);
    await expect(service.sendAsAgent({ rid, msg: 'not mine', agent: { _id: 'SomeoneElse234567', username: 'bob' } })).rejects.toMatchObject({
      error: { code: 'error-not-allowed' },
    });
  });
});
