import { LivechatClientImpl } from '@rocket.chat/ddp-client';
import {
  isChatSendMessageProps,
  isChatSyncMessagesProps,
  isDELETELivechatMessageIdParams,
  isGETLivechatConfigParams,
  isGETLivechatMessageIdParams,
  isGETLivechatMessagesHistoryRidParams,
  isGETLivechatRoomParams,
  isGETLivechatRoomsParams,
  isPOSTLivechatMessageParams,
  isPOSTLivechatRoomCloseByUserParams,
  isPOSTLivechatRoomCloseParams,
  isPUTLivechatMessageIdParams,
  validateBadRequestErrorResponse,
  validateNotFoundErrorResponse,
} from '@rocket.chat/rest-typings';
import { WebSocket as NodeWebSocket } from 'ws';
import { expectEventually } from '../../harness/eventually.js';
import { Api, type AgentApi } from '../../harness/http.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

/** One request the reference's client made, as it went on the wire, and our answer. */
interface Exchange {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  answer: unknown;
}

/** A validator of @rocket.chat/rest-typings (ajv): whether the value fits, and why not. */
type Validator = ((value: unknown) => boolean) & { errors?: unknown };

function expectValid(validate: Validator, value: unknown, what: string): void {
  expect(validate(value), `${what}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(value).slice(0, 500)}`).toBe(true);
}

/**
 * A client nobody here wrote: the reference's published livechat client library (@rocket.chat/ddp-client
 * 1.1.2, `LivechatClientImpl`, whose REST calls are the reference widget's) holds a whole chat against the
 * real stack, with an agent answering through `chat.sendMessage`. Every request it sends and every
 * request the agent sends is checked with the reference's own request validators (@rocket.chat/rest-typings).
 *
 * `LivechatClientImpl.create` hands the global WebSocket to its DDP connection; Node 20 has none without
 * --experimental-websocket, so the test lends it `ws`'s (the one the client's own tests use).
 */
describe("the reference's livechat client (LivechatClientImpl) holds a whole chat", () => {
  let stack: TestStack;
  let api: Api;
  let agent: AgentApi;
  let agentId: string;
  const exchanges: Exchange[] = [];
  const realFetch = globalThis.fetch;
  const lentWebSocket = globalThis.WebSocket === undefined;
  const socketErrors: Error[] = [];

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    agentId = await api.createAgent('reference-client-agent', { name: 'Rita Reference' });
    agent = api.as(await api.createToken(agentId));
    if (lentWebSocket) {
      // ws throws on an 'error' nobody listens to (a browser's WebSocket does not): listen, as a browser would.
      class BrowserLikeWebSocket extends NodeWebSocket {
        constructor(...args: ConstructorParameters<typeof NodeWebSocket>) {
          super(...args);
          this.on('error', (err) => socketErrors.push(err));
        }
      }
      globalThis.WebSocket = BrowserLikeWebSocket as unknown as typeof globalThis.WebSocket;
    }
    // Every request of the client goes through fetch: record it and its answer.
    globalThis.fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const res = await realFetch(input, init);
      const text = await res.clone().text();
      let answer: unknown = text;
      try {
        answer = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      exchanges.push({
        method: init?.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body,
        status: res.status,
        answer,
      });
      return res;
    };
  });

  afterAll(async () => {
    globalThis.fetch = realFetch;
    if (lentWebSocket) Reflect.deleteProperty(globalThis, 'WebSocket');
    await stack?.stop();
  });

  /** The client's last request to `path` (its REST calls are `${url}/api/v1/…`). */
  const last = (method: string, path: string): Exchange => {
    const found = exchanges.filter((e) => e.method === method && e.path === `/api/v1/${path}`).pop();
    if (!found) throw new Error(`the client sent no ${method} ${path}`);
    return found;
  };

  it('bootstraps, registers, opens a room, chats with an agent, reads the history and closes', async () => {
    const client = LivechatClientImpl.create(stack.baseUrl, { retryCount: 0, retryTime: 0 });
    const token = `reference-client-visitor-${Date.now()}`;

    // config: livechat on, someone online, no visitor yet.
    const config = await client.config({});
    expect(config).toMatchObject({ enabled: true, online: true, settings: expect.any(Object), departments: expect.any(Array) });
    expectValid(isGETLivechatConfigParams, last('GET', 'livechat/config').query, 'config query');

    // grantVisitor registers the visitor and keeps the token for every later call.
    const granted = await client.grantVisitor({ visitor: { token, name: 'Vera Visitor', email: 'vera@example.com' } });
    expect(granted.visitor).toMatchObject({ token, name: 'Vera Visitor', visitorEmails: [{ address: 'vera@example.com' }] });
    expect(client.token).toBe(token);
    // visitor()'s parameter is typed `never` in 1.1.2 (its endpoint type names /v1/livechat/visitor, not .../:token): called as the widget calls it, without one.
    expect(await client.visitor(undefined as never)).toMatchObject({ visitor: { token }, success: true });

    // room(): opened, and served at once or soon by the only agent.
    const room = await client.room({ token });
    expectValid(isGETLivechatRoomParams, last('GET', 'livechat/room').query, 'room query');
    expect(room).toMatchObject({ _id: expect.any(String), t: 'l', open: true, v: { token } });
    const served = await expectEventually(async () => {
      const now = await client.room({ token, rid: room._id });
      expect(now.servedBy?._id).toBe(agentId);
      return now;
    });
    expect(served._id).toBe(room._id);
    expect(await client.agent(room._id)).toEqual({ _id: agentId, username: 'reference-client-agent', name: 'Rita Reference', status: 'online' });
    const withSession = await client.config({ token });
    expect(withSession).toMatchObject({ guest: { token }, room: { _id: room._id }, agent: { _id: agentId, name: 'Rita Reference' } });

    // The visitor writes (with the client's own message id), the agent answers through chat.sendMessage.
    const question = await client.sendMessage({ token, rid: room._id, msg: 'Hello, is my order shipped?', _id: `ref-client-msg-${Date.now()}` });
    expectValid(isPOSTLivechatMessageParams, last('POST', 'livechat/message').body, 'message body');
    expect(question.message).toMatchObject({ rid: room._id, msg: 'Hello, is my order shipped?', token, alias: 'Vera Visitor' });
    const replyBody = { message: { rid: room._id, msg: 'Yes: it left this **morning**.' } };
    expectValid(isChatSendMessageProps, replyBody, 'chat.sendMessage body');
    const reply = await agent.request<{ message: Record<string, any> }>('POST', '/api/v1/chat.sendMessage', replyBody);
    expect(reply.status).toBe(200);

    // What the client receives: the agent's reply in the history, newest first, after the uj.
    const history = await client.loadMessages(room._id, { token, limit: 10 });
    expectValid(isGETLivechatMessagesHistoryRidParams, last('GET', `livechat/messages.history/${room._id}`).query, 'history query');
    expect(history.map((m) => m.msg)).toEqual(['Yes: it left this **morning**.', 'Hello, is my order shipped?', '']);
    expect(history[0]).toEqual(reply.body.message);
    expect(history[0]).toMatchObject({ u: { _id: agentId, username: 'reference-client-agent', name: 'Rita Reference' } });
    expect(history[2]).toMatchObject({ t: 'uj', u: { _id: agentId } });
    const one = await client.message(question.message._id, { token, rid: room._id });
    expectValid(isGETLivechatMessageIdParams, last('GET', `livechat/message/${question.message._id}`).query, 'message query');
    expect(one).toMatchObject({ message: { _id: question.message._id } });

    // The room's metrics, as the client reads the room.
    const answered = await client.room({ token, rid: room._id });
    expect(answered).toMatchObject({
      msgs: 2,
      lastMessage: { _id: reply.body.message._id },
      responseBy: { _id: agentId },
      metrics: { v: { lq: question.message.ts }, servedBy: { lr: reply.body.message.ts }, response: { total: 1, fd: reply.body.message.ts }, reaction: { fd: reply.body.message.ts } },
    });
    expect(answered).not.toHaveProperty('waitingResponse');

    // editMessage: the caller passes token and rid, the client sends them as they are.
    const editBody = { token, rid: room._id, msg: 'Hello, is my order shipped yet?' };
    const edited = await client.editMessage(question.message._id, editBody);
    expectValid(isPUTLivechatMessageIdParams, last('PUT', `livechat/message/${question.message._id}`).body, 'edit body');
    expect(edited).toMatchObject({ message: { msg: 'Hello, is my order shipped yet?', editedBy: { _id: room.v._id } } });

    // deleteMessage does not work with this client: its RestClient.delete drops the params, so the request
    // carries neither token nor rid, which the endpoint needs (as the reference's own validator says).
    expect(isDELETELivechatMessageIdParams({ token, rid: room._id })).toBe(true);
    const deleting = await client.deleteMessage(question.message._id, { rid: room._id }).then(
      () => null,
      (res: Response) => res,
    );
    expect(deleting?.status).toBe(400);
    const sentDelete = last('DELETE', `livechat/message/${question.message._id}`);
    expect(sentDelete.body).toBeUndefined();
    expect(isDELETELivechatMessageIdParams(sentDelete.query)).toBe(false);
    expectValid(validateBadRequestErrorResponse, sentDelete.answer, 'the 400');
    expect((await client.loadMessages(room._id, { token, limit: 10 })).map((m) => m._id)).toContain(question.message._id);

    // The agent reads what changed (a sync), then the visitor closes.
    const syncQuery = { roomId: room._id, lastUpdate: question.message.ts };
    expectValid(isChatSyncMessagesProps, syncQuery, 'chat.syncMessages query');
    const sync = await agent.sync(syncQuery.roomId, syncQuery.lastUpdate);
    expect(sync.body.result.updated.map((m) => m._id)).toEqual([reply.body.message._id, question.message._id]);
    const closed = await client.closeChat({ rid: room._id });
    expectValid(isPOSTLivechatRoomCloseParams, last('POST', 'livechat/room.close').body, 'close body');
    expect(closed).toEqual({ rid: room._id, comment: 'Closed by visitor', success: true });
    const afterClose = await client.loadMessages(room._id, { token, limit: 10 });
    expect(afterClose[0]).toMatchObject({ t: 'livechat-close', msg: 'Closed by visitor', u: { _id: room.v._id } });
    // The closed room is no longer "the visitor's room": the next room() opens a new one.
    const next = await client.room({ token });
    expect(next._id).not.toBe(room._id);
    const list = await agent.rooms(`?agents[]=${agentId}`);
    expectValid(isGETLivechatRoomsParams, { agents: [agentId] }, 'livechat/rooms query');
    expect(list.body.rooms.find((r) => r._id === room._id)).toMatchObject({ closer: 'visitor', metrics: { chatDuration: expect.any(Number) } });
    const closeBody = { rid: next._id, comment: 'Solved' };
    expectValid(isPOSTLivechatRoomCloseByUserParams, closeBody, 'room.closeByUser body');
    await expectEventually(async () => expect((await client.room({ token, rid: next._id })).servedBy?._id).toBe(agentId));
    expect((await agent.request('POST', '/api/v1/livechat/room.closeByUser', closeBody)).status).toBe(200);

    // Every answer the client got to a failure is in the reference's envelope.
    for (const e of exchanges.filter((x) => x.status === 400)) expectValid(validateBadRequestErrorResponse, e.answer, `${e.method} ${e.path}`);
  });

  it('says which of its calls this product does not serve: 404 in the envelope, or no transport at all', async () => {
    const client = LivechatClientImpl.create(stack.baseUrl, { retryCount: 0, retryTime: 0 });
    const token = `reference-client-unserved-${Date.now()}`;
    await client.grantVisitor({ visitor: { token } });
    const room = await api.room({ token });
    const rid = room.body.room._id as string;
    const unserved: [string, () => Promise<unknown>][] = [
      ['nextAgent (livechat/agent.next)', () => client.nextAgent({})],
      ['transferChat (livechat/visitor/department.transfer)', () => client.transferChat({ rid, department: 'x' })],
      ['chatSurvey (livechat/room.survey)', () => client.chatSurvey({ token, rid, data: [{ name: 'satisfaction', value: '5' }] })],
      ['sendOfflineMessage (livechat/offline.message)', () => client.sendOfflineMessage({ name: 'Vera', email: 'vera@example.com', message: 'hi' })],
      ['sendVisitorNavigation (livechat/page.visited)', () => client.sendVisitorNavigation({ token, rid, pageInfo: { title: 't', change: 'url', location: { href: 'https://example.com' } } })],
      ['requestTranscript (livechat/transcript)', () => client.requestTranscript('vera@example.com', { rid })],
      ['sendCustomField (livechat/custom.field)', () => client.sendCustomField({ token, key: 'plan', value: 'gold', overwrite: true })],
      ['sendCustomFields (livechat/custom.fields)', () => client.sendCustomFields({ token, customFields: [{ key: 'plan', value: 'gold', overwrite: true }] })],
      ['updateVisitorStatus (livechat/visitor.status)', () => client.updateVisitorStatus('away')],
      ['deleteVisitor (DELETE livechat/visitor/:token)', () => client.deleteVisitor()],
    ];
    for (const [call, run] of unserved) {
      const res = (await run().then(
        () => null,
        (r: unknown) => r,
      )) as Response | null;
      expect(res, call).toBeInstanceOf(Response);
      expect(res!.status, call).toBe(404);
      expectValid(validateNotFoundErrorResponse, await res!.json(), call);
    }
    // uploadFile uses XMLHttpRequest, a browser API Node does not have.
    await expect(async () => client.uploadFile(rid, new File(['x'], 'x.txt'))).rejects.toThrow(/XMLHttpRequest/);

    // The realtime half (subscribeRoom, onMessage, onAgentChange, notifyVisitorActivity…) is DDP over a
    // WebSocket at /websocket, which this product does not serve: the connection never comes up.
    const statuses: string[] = [];
    client.connection.on('connection', (status) => statuses.push(status));
    void client.connection.connect();
    await expectEventually(() => expect(statuses).toContain('disconnected'));
    expect(statuses).not.toContain('connected');
    client.connection.close();
  });
});
