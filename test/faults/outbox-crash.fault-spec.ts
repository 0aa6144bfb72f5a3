import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { readStream } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack, type ServiceName } from '../../harness/stack.js';

/**
 * docs/guarantees.md#4-no-committed-change-loses-its-event at its weakest point: the relay dies right after the commit (before publishing) or right
 * after publishing (before marking the event sent). Either way the event reaches the stream, once.
 */
describe('a relay that crashes between commit and publish', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  let agentId: string;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { OUTBOX_POLL_MS: '200', CONSUMER_ACK_WAIT_SECONDS: '3' } });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
    agentId = await api.createAgent('outbox-agent');
  });
  afterAll(() => stack?.stop());

  /** Restarts the service with the fault armed, runs `act`, waits for the crash, then restarts it clean. */
  async function crashing(name: ServiceName, point: string, act: () => Promise<void>): Promise<void> {
    const service = stack.service(name);
    await service.stop('SIGTERM');
    await service.start({ LIVECHAT_FAULT: point });
    await act();
    await expectEventually(() => expect(service.running).toBe(false), { timeoutMs: 10_000 });
    expect(service.logs()).toContain(`fault injected at ${point}`);
    expect(service.exitSignal).toBe('SIGKILL');
    await service.start({ LIVECHAT_FAULT: '' });
  }

  async function roomOf(token: string): Promise<string> {
    const [row] = await stack.db.query<{ id: string }>(`SELECT id FROM rooms.rooms WHERE visitor_token = $1`, [token]);
    return row.id;
  }

  const eventsOf = async (rid: string, stream = 'LIVECHAT') =>
    (await readStream(stack.nats.url, stream)).filter((e) => (e.data.room?._id ?? e.data.roomId) === rid);

  it.each(['outbox:before-publish', 'outbox:after-publish'])('rooms dies at %s: room.opened still arrives, once', async (point) => {
    const token = await chat.visitor();
    await crashing('rooms', point, async () => {
      await api.room({ token }); // the reply may be lost with the process; the commit is not
    });
    const rid = await roomOf(token);
    const events = await expectEventually(async () => {
      const mine = await eventsOf(rid);
      expect(mine.filter((e) => e.subject === 'room.opened')).toHaveLength(1);
      return mine;
    });
    expect(events[0].msgId).toBe(events[0].data.eventId);
    // The consumer saw it once too: routing queued the room once and it was served once.
    expect(await chat.servedBy(token, rid)).toBe('outbox-agent');
    await expectEventually(async () => expect((await eventsOf(rid)).filter((e) => e.subject === 'room.assigned')).toHaveLength(1));
    expect(await stack.db.query(`SELECT 1 FROM routing.inquiries WHERE room_id = $1`, [rid])).toHaveLength(1);
    await expectEventually(async () => expect(await stack.db.query('SELECT 1 FROM rooms.outbox WHERE published_at IS NULL')).toHaveLength(0));
  });

  it.each(['outbox:before-publish', 'outbox:after-publish'])('routing dies at %s: the decision still arrives, once', async (point) => {
    // A room that waits (its agent is not available), so that routing decides it in a queue pass
    // and relays a decision: a room served at once has none.
    await api.setAvailability(agentId, 'not-available');
    await api.setSetting('Livechat_accept_chats_with_no_agents', true);
    const token = await chat.visitor();
    const res = await api.room({ token });
    const rid: string = res.body.room._id;
    expect(res.body.room.servedBy).toBeUndefined();
    await expectEventually(async () => expect((await api.queued()).some((i) => i.rid === rid)).toBe(true));
    await crashing('routing', point, async () => {
      await api.setAvailability(agentId, 'available');
    });
    expect(await chat.servedBy(token, rid)).toBe('outbox-agent');
    const decisions = await expectEventually(async () => {
      const mine = await eventsOf(rid, 'LIVECHAT_ROUTING');
      expect(mine.length).toBeGreaterThanOrEqual(1);
      return mine;
    });
    expect(new Set(decisions.map((d) => d.data.eventId)).size).toBe(decisions.length);
    await expectEventually(async () => expect((await eventsOf(rid)).filter((e) => e.subject === 'room.assigned')).toHaveLength(1));
    await expectEventually(async () => expect(await stack.db.query('SELECT 1 FROM routing.outbox WHERE published_at IS NULL')).toHaveLength(0));
  });

  it('publishes recent events again when NATS comes back, so an event NATS acknowledged and then lost arrives', async () => {
    const token = await chat.visitor();
    const rid = (await api.room({ token })).body.room._id as string;
    const [opened] = await expectEventually(async () => {
      const mine = (await eventsOf(rid)).filter((e) => e.subject === 'room.opened');
      expect(mine).toHaveLength(1);
      return mine;
    });
    // Make NATS lose it, as a server killed before writing an acknowledged message to disk does.
    const nc = await connect({ servers: stack.nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const stored = await jsm.streams.getMessage('LIVECHAT', { last_by_subj: 'room.opened' });
      expect(stored?.json<{ eventId: string }>().eventId).toBe(opened.data.eventId);
      await jsm.streams.deleteMessage('LIVECHAT', stored!.seq, true);
    } finally {
      await nc.close();
    }
    expect((await eventsOf(rid)).filter((e) => e.subject === 'room.opened')).toHaveLength(0);
    await stack.nats.kill('SIGKILL');
    await stack.nats.restart();
    const back = await expectEventually(async () => {
      const mine = (await eventsOf(rid)).filter((e) => e.subject === 'room.opened');
      expect(mine).toHaveLength(1);
      return mine;
    }, { timeoutMs: 20_000 });
    expect(back[0].data.eventId).toBe(opened.data.eventId);
  });
});
