import { Api } from '../../harness/http.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

/**
 * docs/guarantees.md#10-no-answer-staler-than-an-acknowledged-change: no answer contradicts a change already acknowledged to any client, on any replica.
 * The hot path reads the open room of a token in batches (the lookups of one turn of the event loop
 * share one statement) and keeps nothing between requests; here a room closed through one gateway
 * replica must never be answered as open by another afterwards, while other visitors' lookups keep
 * the batches full.
 */
describe('freshness of the hot path across replicas (docs/guarantees.md#10-no-answer-staler-than-an-acknowledged-change)', () => {
  const ROUNDS = 60;
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;

  beforeAll(async () => {
    stack = await TestStack.start({ replicas: { gateway: 2, rooms: 2 } });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
    await api.createAgent('fresh-agent', { maxChats: 1_000 });
  });
  afterAll(() => stack?.stop());

  it(`never answers a room closed through one gateway as open through the other (${ROUNDS} rounds, under load)`, async () => {
    const [a, b] = stack.baseUrls.map((url) => new Api(url));
    // Background: visitors with open rooms asking for them again and again on both gateways.
    const busy = await Promise.all(Array.from({ length: 8 }, () => chat.openRoom().then((r) => r.token)));
    let loading = true;
    const load = Promise.all(
      busy.map(async (token, i) => {
        const target = i % 2 ? a : b;
        while (loading) expect((await target.room({ token })).status).toBe(200);
      }),
    );
    const stale: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const [opener, closer] = round % 2 ? [a, b] : [b, a];
        const token = await chat.visitor();
        const opened = await opener.room({ token });
        expect(opened.status).toBe(200);
        const rid = opened.body.room._id as string;
        // The same room through the other replica, so both have read it before it closes.
        expect((await closer.room({ token })).body.room._id).toBe(rid);
        const closed = await closer.closeRoom(rid, token);
        expect(closed.status).toBe(200);
        // Acknowledged: from now on no replica may show that room open.
        const [byRid, byToken, again] = await Promise.all([opener.room({ token, rid }), opener.room({ token }), closer.room({ token, rid })]);
        if (byRid.status !== 400 || byRid.body.error !== 'invalid-room') stale.push(`round ${round}: rid lookup answered ${byRid.status}`);
        if (again.status !== 400) stale.push(`round ${round}: rid lookup on the closing replica answered ${again.status}`);
        if (byToken.status !== 200 || byToken.body.room._id === rid || byToken.body.newRoom !== true) {
          stale.push(`round ${round}: token lookup answered ${byToken.status} room ${byToken.body.room?._id} newRoom ${byToken.body.newRoom}`);
        }
      }
    } finally {
      loading = false;
      await load;
    }
    expect(stale).toEqual([]);
  });
});
