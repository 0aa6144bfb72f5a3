import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { readStream } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

/**
 * rooms applies routing's decisions a batch per transaction (docs/guarantees.md#3-one-agent-per-room): two decisions for one room
 * in the same batch must be applied in version order, not as one UPDATE joined to both (which
 * would apply one of them, unpredictably).
 */
describe("routing's decisions applied in batches (docs/guarantees.md#3-one-agent-per-room)", () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
  });
  afterAll(() => stack?.stop());

  it('applies decisions that arrive together in version order, and publishes each assignment', async () => {
    await api.setSetting('Livechat_accept_chats_with_no_agents', true);
    const first = await api.createAgent('batch-first');
    await api.setAvailability(first, 'not-available');
    const opened = [await chat.openRoom(), await chat.openRoom(), await chat.openRoom()];
    const ids = opened.map(({ room }) => room._id as string);
    const routed = (version: number) =>
      expectEventually(async () => {
        const inquiries = await stack.db.query<{ version: number; status: string }>(
          `SELECT version, status FROM routing.inquiries WHERE room_id = ANY($1)`,
          [ids],
        );
        expect(inquiries).toEqual(ids.map(() => ({ version, status: 'taken' })));
      });

    // While rooms is down, routing decides three times for each room: to the first agent, back to
    // the queue (that agent is deleted), to a second agent. When rooms is back, the first of the
    // nine decisions comes alone and the other eight arrive as one batch, with rooms in it up to
    // three times.
    const rooms = stack.service('rooms');
    await rooms.stop('SIGTERM');
    try {
      await api.setAvailability(first, 'available');
      await routed(1);
      await api.deleteAgent(first);
      await api.createAgent('batch-second');
      await routed(3);
    } finally {
      await rooms.start();
    }

    // The first decision (to batch-first) may be visible for a moment: wait for the last one.
    for (const { token, room } of opened) {
      await expectEventually(async () => expect((await chat.room(token, room._id)).servedBy?.username).toBe('batch-second'));
    }
    await expectEventually(async () => {
      const rows = await stack.db.query<{ assignment_version: number; served_by_username: string }>(
        `SELECT assignment_version, served_by_username FROM rooms.rooms WHERE id = ANY($1)`,
        [ids],
      );
      expect(rows).toEqual(ids.map(() => ({ assignment_version: 3, served_by_username: 'batch-second' })));
      const events = await readStream(stack.nats.url);
      for (const id of ids) {
        const assigned = events.filter((e) => e.subject === 'room.assigned' && e.data.room._id === id);
        // The second decision (back to the queue) is published too, with agent null (docs/events.md).
        expect(assigned.map((e) => e.data.agent?.username ?? null)).toEqual(['batch-first', null, 'batch-second']);
        const joined = events.filter((e) => e.subject === 'message.sent' && e.data.room._id === id && e.data.message.t === 'uj');
        expect(joined.map((e) => e.data.message.u.username)).toEqual(['batch-first', 'batch-second']);
      }
    });
  });
});
