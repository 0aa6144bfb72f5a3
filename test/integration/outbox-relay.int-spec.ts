import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { randomId, type Outbox } from '@livechat/common';
import { expectEventually } from '../../harness/eventually.js';
import type { TestDatabase } from '../../harness/database.js';
import { ServiceFixture } from './service-schema.js';

const SUBJECT = 'outbox-relay-test.event';

/**
 * The outbox relay against a stream's leader that holds an event's message id as still in process
 * (docs/guarantees.md#4-no-committed-change-loses-its-event): what a clustered nats-server answers
 * for a message it proposed and dropped in a change of leader, until the id leaves the duplicate window.
 * The "stream" here is a responder on the subject that answers as such a leader would; the database
 * is real, with the committed migrations.
 */
describe('the outbox relay when JetStream holds a message id as in process (integration: real database)', () => {
  let fx: ServiceFixture;
  let db: TestDatabase;
  let nc: NatsConnection;
  let outbox: Outbox;
  /** Message ids the "leader" answers as in process, and how. */
  const inProcess = new Map<string, 'zero-sequence duplicate' | 'error 10158'>();
  /** Message ids in the order the "stream" stored them. */
  const storedIds: string[] = [];
  const attempts = new Map<string, number>();

  const answer = (msg: Msg) => {
    const id = msg.headers?.get('Nats-Msg-Id') ?? '';
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    const how = inProcess.get(id);
    if (how === 'zero-sequence duplicate') return msg.respond(JSON.stringify({ stream: 'TEST', seq: 0, duplicate: true }));
    if (how === 'error 10158') {
      return msg.respond(JSON.stringify({ error: { code: 409, err_code: 10158, description: 'duplicate message id is in process' } }));
    }
    const known = storedIds.indexOf(id);
    if (known >= 0) return msg.respond(JSON.stringify({ stream: 'TEST', seq: known + 1, duplicate: true }));
    storedIds.push(id);
    return msg.respond(JSON.stringify({ stream: 'TEST', seq: storedIds.length }));
  };

  beforeAll(async () => {
    fx = await ServiceFixture.start('rooms', { nats: true, poolMax: 4 });
    ({ db, nc } = fx);
    nc.subscribe(SUBJECT, { callback: (_err, msg) => void answer(msg) });
    await nc.flush();
    outbox = fx.outbox({ pollMs: 100 });
    outbox.onApplicationBootstrap();
  });

  afterAll(() => fx?.stop());

  const published = async (ids: string[]) =>
    (await db.query<{ event_id: string }>(`SELECT event_id FROM rooms.outbox WHERE event_id = ANY($1) AND published_at IS NOT NULL`, [ids])).map((r) => r.event_id).sort();

  it.each(['zero-sequence duplicate', 'error 10158'] as const)(
    'keeps an event whose message id is answered as in process (%s) unpublished, relays the rest, and relays it once the stream stores it',
    async (how) => {
      const [before, held, after] = [randomId(), randomId(), randomId()];
      inProcess.set(held, how);
      await outbox.transaction((manager) =>
        outbox.add(manager, [before, held, after].map((eventId) => ({ eventId, subject: SUBJECT, payload: { eventId } }))),
      );
      // The others are stored and marked; the held one is asked again and again, and stays unpublished.
      await expectEventually(async () => {
        expect(await published([before, held, after])).toEqual([before, after].sort());
        expect(attempts.get(held)).toBeGreaterThanOrEqual(3);
      }, { timeoutMs: 15_000, intervalMs: 50 });
      expect(storedIds).toEqual(expect.arrayContaining([before, after]));
      expect(storedIds).not.toContain(held);

      // The id leaves the duplicate window (or the proposal is applied): the next attempt is stored.
      inProcess.delete(held);
      await expectEventually(async () => expect(await published([held])).toEqual([held]), { timeoutMs: 15_000, intervalMs: 50 });
      expect(storedIds.filter((id) => [before, held, after].includes(id))).toEqual([before, after, held]);
    },
  );
});
