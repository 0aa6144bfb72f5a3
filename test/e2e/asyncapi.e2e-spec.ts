import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface, type Diagnostic, type MessageInterface } from '@asyncapi/parser';
import { connect, headers } from '@nats-io/transport-node';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { MESSAGE_EVENTS, QUEUES, ROOM_EVENTS, ROOMS_COMMANDS, ROUTING_COMMANDS, ROUTING_EVENTS, STREAMS } from '../../libs/contracts/src/index.js';

const PUBLIC_EVENTS = [...Object.values(ROOM_EVENTS), ...Object.values(MESSAGE_EVENTS)];
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { readStream, type StoredEvent } from '../../harness/jetstream.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const DOC_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/asyncapi.yaml');

type Json = Record<string, any>;

/** Parses docs/asyncapi.yaml with the official parser (which also runs its Spectral ruleset). */
async function parseDocument(): Promise<{ document: AsyncAPIDocumentInterface | undefined; diagnostics: Diagnostic[] }> {
  return new Parser().parse(readFileSync(DOC_PATH, 'utf8'), { source: DOC_PATH });
}

function describeDiagnostics(diagnostics: Diagnostic[]): string {
  return diagnostics.map((d) => `[${d.severity}] ${d.code} at ${d.path.join('.')}: ${d.message}`).join('\n');
}

/**
 * Ajv over the parser's dereferenced schemas. Strict about unknown keywords (a typo in the document
 * fails the compile), except the parser's own `x-…` annotations and the document's extensions.
 */
class SchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
  private readonly known = new Set<string>();
  private readonly cache = new Map<unknown, ValidateFunction>();

  constructor() {
    addFormats.default(this.ajv);
  }

  compile(schema: unknown): ValidateFunction {
    const cached = this.cache.get(schema);
    if (cached) return cached;
    this.registerExtensions(schema);
    const validate = this.ajv.compile(schema as object);
    this.cache.set(schema, validate);
    return validate;
  }

  errors(schema: unknown, value: unknown): string[] {
    const validate = this.compile(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  }

  private registerExtensions(node: unknown, seen = new Set<unknown>()): void {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-') && !this.known.has(key)) {
        this.known.add(key);
        this.ajv.addKeyword({ keyword: key });
      }
      this.registerExtensions(value, seen);
    }
  }
}

/** The one message of the channel with this address. */
function channelMessage(document: AsyncAPIDocumentInterface, address: string): MessageInterface {
  const channel = document.channels().all().find((c) => c.address() === address);
  if (!channel) throw new Error(`no channel for ${address} in docs/asyncapi.yaml`);
  const messages = channel.messages().all();
  expect(messages, `channel ${address}`).toHaveLength(1);
  return messages[0];
}

function payloadSchema(message: MessageInterface): unknown {
  const payload = message.payload();
  if (!payload) throw new Error(`message ${message.id()} has no payload schema`);
  return payload.json();
}

function headersSchema(message: MessageInterface): unknown {
  const headers = message.headers();
  if (!headers) throw new Error(`message ${message.id()} has no headers schema`);
  return headers.json();
}

/** The reply message (by id in the reply channel) that a command's operation answers with. */
function replyMessage(document: AsyncAPIDocumentInterface, subject: string, kind: 'response' | 'error'): MessageInterface {
  const op = document.operations().all().find((o) => o.channels().all().some((c) => c.address() === subject));
  const reply = op?.reply();
  if (!op || !reply) throw new Error(`no operation with a reply for ${subject}`);
  const messages = reply.messages().all();
  const found = messages.find((m) => (kind === 'error' ? m.id() === 'rpcError' : m.id() !== 'rpcError'));
  if (!found) throw new Error(`no ${kind} reply for ${subject}`);
  return found;
}

const clone = <T>(value: T): T => structuredClone(value);

describe('AsyncAPI document (docs/asyncapi.yaml)', () => {
  let document: AsyncAPIDocumentInterface;
  const schemas = new SchemaValidator();

  beforeAll(async () => {
    const parsed = await parseDocument();
    const errors = parsed.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    if (errors.length > 0 || !parsed.document) throw new Error(`docs/asyncapi.yaml is not valid AsyncAPI:\n${describeDiagnostics(errors)}`);
    document = parsed.document;
  });

  describe('the document', () => {
    it('parses with @asyncapi/parser as AsyncAPI 3.0.0 without error diagnostics', async () => {
      const { document: doc, diagnostics } = await parseDocument();
      expect(doc).toBeDefined();
      expect(describeDiagnostics(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error))).toBe('');
      expect(doc!.version()).toBe('3.0.0');
    });

    it('describes every event subject, with its stream', () => {
      for (const subject of PUBLIC_EVENTS) {
        const channel = document.channels().all().find((c) => c.address() === subject)!;
        expect(channel, subject).toBeDefined();
        expect(channel.extensions().get('x-jetstream')?.value()).toMatchObject({ stream: STREAMS.events.name });
        expect(channel.operations().all().map((o) => o.action())).toEqual(['receive']);
      }
      const decisions = document.channels().all().find((c) => c.address() === ROUTING_EVENTS.decision)!;
      expect(decisions).toBeDefined();
      expect(decisions.extensions().get('x-jetstream')?.value()).toMatchObject({ stream: STREAMS.decisions.name });
      expect(decisions.extensions().get('x-internal')?.value()).toBe(true);
      const consume = decisions.operations().all();
      expect(consume.map((o) => o.action())).toEqual(['receive']);
      expect(consume[0].tags().all().map((t) => t.name())).toContain('internal');
    });

    it('describes every request/reply subject as a send operation with a reply, in its queue group', () => {
      const commands = [
        ...Object.values(ROOMS_COMMANDS).map((subject) => ({ subject, queue: QUEUES.rooms })),
        ...Object.values(ROUTING_COMMANDS).map((subject) => ({ subject, queue: QUEUES.routing })),
      ];
      const documented = document
        .channels()
        .all()
        .map((c) => c.address())
        .filter((a): a is string => !!a && /^(rooms|routing)\./.test(a) && a !== ROUTING_EVENTS.decision);
      expect(new Set(documented)).toEqual(new Set(commands.map((c) => c.subject)));
      for (const { subject, queue } of commands) {
        const channel = document.channels().all().find((c) => c.address() === subject)!;
        expect(channel.extensions().get('x-nats-queue-group')?.value(), subject).toBe(queue);
        const ops = channel.operations().all();
        expect(ops.map((o) => o.action()), subject).toEqual(['send']);
        expect(ops[0].reply()?.messages().all().length, subject).toBeGreaterThanOrEqual(2);
        // The request's body is the command itself; it may carry the caller's request id.
        const request = channelMessage(document, subject);
        expect(payloadSchema(request), subject).toBeTruthy();
        expect((headersSchema(request) as Json).properties['x-request-id'], subject).toBeTruthy();
      }
    });

    it('has examples that validate against their own schemas', () => {
      let checked = 0;
      for (const channel of document.channels().all()) {
        for (const message of channel.messages().all()) {
          for (const example of message.examples().all()) {
            const name = `${channel.address() ?? channel.id()} / ${example.name() ?? 'example'}`;
            if (example.hasPayload()) expect(schemas.errors(payloadSchema(message), example.payload()), name).toEqual([]);
            if (example.hasHeaders()) expect(schemas.errors(headersSchema(message), example.headers()), name).toEqual([]);
            checked += 1;
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(8);
    });
  });

  describe('against a running stack', () => {
    let stack: TestStack;
    let api: Api;
    let chat: Livechat;
    let events: StoredEvent[];
    let decisions: StoredEvent[];
    let room: Json;
    let token: string;
    let agentId: string;
    let unassigned: Json;

    beforeAll(async () => {
      stack = await TestStack.start();
      api = new Api(stack.baseUrl, ADMIN_TOKEN);
      chat = new Livechat(api);
      // Rooms keep opening after the agent is deleted below.
      await api.setSetting('Livechat_accept_chats_with_no_agents', true);
      agentId = await api.createAgent('asyncapi-agent');
      // A room served at once (its room.opened already served), then one that waits under
      // Manual_Selection until the operator takes it (a routing.agent-selected decision): both kinds
      // of payload are checked against the document below.
      const servedAtOnce = await chat.openRoom({ name: 'John' });
      expect(servedAtOnce.room.servedBy).toBeDefined();
      await api.setSetting('Livechat_Routing_Method', 'Manual_Selection');
      ({ token, room } = await chat.openRoom({ name: 'Mary' }));
      const inquiry = await expectEventually(async () => {
        const found = (await api.queued()).find((i) => i.rid === room._id);
        expect(found).toBeDefined();
        return found!;
      });
      expect((await api.post('/api/v1/livechat/inquiries.take', { inquiryId: inquiry._id, userId: agentId }, { admin: true })).status).toBe(200);
      await api.setSetting('Livechat_Routing_Method', 'Auto_Selection');
      // A conversation: a visitor's message, an edit, a deletion, a rename, the close.
      const first = await api.sendMessage({ token, rid: room._id, msg: 'Hello, *anyone*? https://rocket.chat' });
      await chat.servedBy(token, room._id);
      expect((await api.editMessage(first.body.message._id, { token, rid: room._id, msg: 'Hello?' })).status).toBe(200);
      const second = await api.sendMessage({ token, rid: room._id, msg: 'oops', _id: 'client-side-id-1' });
      expect((await api.deleteMessage(second.body.message._id, { token, rid: room._id })).status).toBe(200);
      expect((await api.registerVisitor({ token, name: 'Mary Jane' })).status).toBe(200);
      const closed = await api.closeRoom(room._id, token);
      expect(closed.status).toBe(200);
      // A room whose agent is deleted: room.assigned with agent null.
      const other = await chat.openRoom({ name: 'Joe' });
      await chat.servedBy(other.token, other.room._id);
      await api.deleteAgent(agentId);
      events = await expectEventually(async () => {
        const all = await readStream(stack.nats.url);
        const mine = all.filter((e) => e.data.room?._id === room._id).map((e) => e.subject);
        const roomEvents = mine.filter((subject) => subject.startsWith('room.'));
        expect(roomEvents).toEqual([ROOM_EVENTS.opened, ROOM_EVENTS.assigned, ROOM_EVENTS.renamed, ROOM_EVENTS.closed]);
        expect(mine.filter((subject) => subject === MESSAGE_EVENTS.sent)).toHaveLength(5);
        expect(mine.filter((subject) => subject === MESSAGE_EVENTS.deleted)).toHaveLength(1);
        expect(all.some((e) => e.data.room?._id === other.room._id && e.subject === ROOM_EVENTS.assigned && e.data.agent === null)).toBe(true);
        return all;
      });
      unassigned = events.find((e) => e.subject === ROOM_EVENTS.assigned && e.data.agent === null)!.data;
      decisions = await expectEventually(async () => {
        const all = await readStream(stack.nats.url, STREAMS.decisions.name);
        expect(all.some((e) => e.data.roomId === room._id)).toBe(true);
        return all;
      });
    });
    afterAll(() => stack?.stop());

    function validateStored(event: StoredEvent): string[] {
      const message = channelMessage(document, event.subject);
      return [
        ...schemas.errors(payloadSchema(message), event.data).map((e) => `payload ${e}`),
        ...schemas.errors(headersSchema(message), { 'Nats-Msg-Id': event.msgId }).map((e) => `headers ${e}`),
      ];
    }

    function eventOf(subject: string): Json {
      const found = events.find((e) => e.subject === subject && e.data.room?._id === room._id);
      if (!found) throw new Error(`no ${subject} for room ${room._id}`);
      return found.data;
    }

    it('publishes every room and message event, each matching the document', () => {
      expect(events.length).toBeGreaterThanOrEqual(3);
      for (const event of events) {
        expect(validateStored(event), `${event.subject} ${JSON.stringify(event.data)}`).toEqual([]);
        expect(event.msgId, event.subject).toBe(event.data.eventId);
        expect(event.data.type).toBe(event.subject);
      }
      expect(new Set(events.map((e) => e.subject))).toEqual(new Set(PUBLIC_EVENTS));
      expect(new Set(events.map((e) => e.data.eventId)).size).toBe(events.length);
      expect(eventOf(ROOM_EVENTS.assigned).agent).toEqual({ _id: agentId, username: 'asyncapi-agent' });
      const kinds = events.filter((e) => e.subject === MESSAGE_EVENTS.sent && e.data.room._id === room._id).map((e) => e.data.message.t ?? 'visitor');
      // The operator took the room before the visitor wrote: uj first.
      expect(kinds).toEqual(['uj', 'visitor', 'visitor', 'visitor', 'livechat-close']);
    });

    it('publishes routing.agent-selected on LIVECHAT_ROUTING that matches the document', () => {
      const mine = decisions.filter((e) => e.data.roomId === room._id);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      for (const event of decisions) {
        expect(event.subject).toBe(ROUTING_EVENTS.decision);
        expect(validateStored(event), JSON.stringify(event.data)).toEqual([]);
        expect(event.msgId).toBe(event.data.eventId);
      }
      expect(mine[0].data.agent).toEqual({ _id: agentId, username: 'asyncapi-agent' });
    });

    it('refuses payloads that break the contract', () => {
      const opened = eventOf(ROOM_EVENTS.opened);
      const assigned = eventOf(ROOM_EVENTS.assigned);
      const closed = eventOf(ROOM_EVENTS.closed);
      const renamed = eventOf(ROOM_EVENTS.renamed);
      const sent = events.filter((e) => e.subject === MESSAGE_EVENTS.sent && e.data.room._id === room._id).map((e) => e.data);
      const visitorSent = sent.find((e) => !e.message.t)!;
      const ujSent = sent.find((e) => e.message.t === 'uj')!;
      const closeSent = sent[sent.length - 1];
      const deleted = eventOf(MESSAGE_EVENTS.deleted);
      const decision = decisions.find((e) => e.data.roomId === room._id)!.data;
      const schemaOf = (subject: string) => payloadSchema(channelMessage(document, subject));
      const broken: { name: string; subject: string; payload: Json }[] = [];
      const breakIt = (name: string, subject: string, base: Json, change: (p: Json) => void) => {
        const payload = clone(base);
        change(payload);
        broken.push({ name, subject, payload });
      };
      breakIt('room.open false', ROOM_EVENTS.opened, opened, (p) => (p.room.open = false));
      breakIt('no eventId', ROOM_EVENTS.opened, opened, (p) => delete p.eventId);
      breakIt('version 2', ROOM_EVENTS.opened, opened, (p) => (p.version = 2));
      breakIt('type of another subject', ROOM_EVENTS.opened, opened, (p) => (p.type = ROOM_EVENTS.closed));
      breakIt('date without milliseconds', ROOM_EVENTS.opened, opened, (p) => (p.occurredAt = '2025-11-25T10:00:00Z'));
      breakIt('id outside the alphabet', ROOM_EVENTS.opened, opened, (p) => (p.room._id = 'l0OI1abcdefghijkm'));
      breakIt('id of 16 characters', ROOM_EVENTS.opened, opened, (p) => (p.room._id = p.room._id.slice(1)));
      breakIt('null instead of an absent field', ROOM_EVENTS.opened, opened, (p) => (p.room.departmentId = null));
      breakIt('missing room.v', ROOM_EVENTS.opened, opened, (p) => delete p.room.v);
      breakIt('msgs as a string', ROOM_EVENTS.opened, opened, (p) => (p.room.msgs = '0'));
      breakIt('unknown source type', ROOM_EVENTS.opened, opened, (p) => (p.room.source = { type: 'email' }));
      breakIt('unknown envelope field', ROOM_EVENTS.opened, opened, (p) => (p.extra = true));
      breakIt('agent on room.opened', ROOM_EVENTS.opened, opened, (p) => (p.agent = assigned.agent));
      breakIt('no agent on room.assigned', ROOM_EVENTS.assigned, assigned, (p) => delete p.agent);
      breakIt('no servedBy on room.assigned', ROOM_EVENTS.assigned, assigned, (p) => delete p.room.servedBy);
      breakIt('servedBy without ts', ROOM_EVENTS.assigned, assigned, (p) => delete p.room.servedBy.ts);
      breakIt('preferredAgentId on room.assigned', ROOM_EVENTS.assigned, assigned, (p) => (p.preferredAgentId = agentId));
      breakIt('room.closed still open', ROOM_EVENTS.closed, closed, (p) => (p.room.open = true));
      breakIt('room.closed without closedAt', ROOM_EVENTS.closed, closed, (p) => delete p.room.closedAt);
      breakIt('unknown closer', ROOM_EVENTS.closed, closed, (p) => (p.room.closer = 'robot'));
      breakIt('served, closed, without serviceTimeDuration', ROOM_EVENTS.closed, closed, (p) => delete p.room.metrics.serviceTimeDuration);
      breakIt('room without the default flag', ROOM_EVENTS.opened, opened, (p) => delete p.room.default);
      breakIt('room sysMes false', ROOM_EVENTS.opened, opened, (p) => (p.room.sysMes = false));
      breakIt('waitingResponse false instead of absent', ROOM_EVENTS.opened, opened, (p) => (p.room.waitingResponse = false));
      breakIt('agent null but still served', ROOM_EVENTS.assigned, assigned, (p) => (p.agent = null));
      breakIt('agent set but not served', ROOM_EVENTS.assigned, unassigned, (p) => (p.agent = assigned.agent));
      breakIt('renamed without a name', ROOM_EVENTS.renamed, renamed, (p) => delete p.room.fname);
      breakIt('message.sent without message', MESSAGE_EVENTS.sent, visitorSent, (p) => delete p.message);
      breakIt("visitor's message without md", MESSAGE_EVENTS.sent, visitorSent, (p) => delete p.message.md);
      breakIt("visitor's message with groupable", MESSAGE_EVENTS.sent, visitorSent, (p) => (p.message.groupable = false));
      breakIt('message with a mention', MESSAGE_EVENTS.sent, visitorSent, (p) => (p.message.mentions = [{ _id: 'x' }]));
      breakIt('url with meta', MESSAGE_EVENTS.sent, visitorSent, (p) => (p.message.urls = [{ url: 'https://a', meta: { title: 'x' } }]));
      breakIt('unknown system type', MESSAGE_EVENTS.sent, ujSent, (p) => (p.message.t = 'ul'));
      breakIt('uj with a token', MESSAGE_EVENTS.sent, ujSent, (p) => (p.message.token = token));
      breakIt('uj groupable missing', MESSAGE_EVENTS.sent, ujSent, (p) => delete p.message.groupable);
      breakIt('message with an empty _id', MESSAGE_EVENTS.sent, visitorSent, (p) => (p.message._id = ''));
      breakIt('a system message as lastMessage', MESSAGE_EVENTS.sent, closeSent, (p) => (p.room.lastMessage = closeSent.message));
      breakIt('response total 0', MESSAGE_EVENTS.sent, visitorSent, (p) => (p.room.metrics = { response: { avg: 0, total: 0, tt: 0 } }));
      breakIt('lq without milliseconds', MESSAGE_EVENTS.sent, visitorSent, (p) => (p.room.metrics = { v: { lq: '2025-11-25T10:00:00Z' } }));
      breakIt('message.deleted of a system message', MESSAGE_EVENTS.deleted, deleted, (p) => (p.message = ujSent.message));
      breakIt('message.deleted of a closed room', MESSAGE_EVENTS.deleted, deleted, (p) => (p.room = closed.room));
      breakIt('decision without agent', ROUTING_EVENTS.decision, decision, (p) => delete p.agent);
      breakIt('decision version 0', ROUTING_EVENTS.decision, decision, (p) => (p.version = 0));
      breakIt('decision roomId as a number', ROUTING_EVENTS.decision, decision, (p) => (p.roomId = 42));

      // The untouched payloads pass, so each failure below is the change's doing.
      for (const [subject, payload] of [
        [ROOM_EVENTS.opened, opened],
        [ROOM_EVENTS.assigned, assigned],
        [ROOM_EVENTS.closed, closed],
        [ROUTING_EVENTS.decision, decision],
        [ROOM_EVENTS.assigned, unassigned],
        [ROOM_EVENTS.renamed, renamed],
        [MESSAGE_EVENTS.sent, visitorSent],
        [MESSAGE_EVENTS.sent, ujSent],
        [MESSAGE_EVENTS.sent, closeSent],
        [MESSAGE_EVENTS.deleted, deleted],
      ] as const) {
        expect(schemas.errors(schemaOf(subject), payload), subject).toEqual([]);
      }
      const accepted = broken.filter((b) => schemas.errors(schemaOf(b.subject), b.payload).length === 0).map((b) => b.name);
      expect(accepted).toEqual([]);
      // A wrong message id header is refused too.
      expect(schemas.errors(headersSchema(channelMessage(document, ROOM_EVENTS.opened)), {})).not.toEqual([]);
    });

    it('answers commands in the documented wire format over NATS', async () => {
      const nc = await connect({ servers: stack.nats.url });
      try {
        const call = async (subject: string, data: unknown, requestId: string): Promise<{ body: Json; error: string | undefined }> => {
          expect(schemas.errors(payloadSchema(channelMessage(document, subject)), data), `${subject} request`).toEqual([]);
          const h = headers();
          h.set('x-request-id', requestId);
          expect(schemas.errors(headersSchema(channelMessage(document, subject)), { 'x-request-id': requestId })).toEqual([]);
          const reply = await nc.request(subject, JSON.stringify(data), { timeout: 5_000, headers: h });
          return { body: reply.json<Json>(), error: reply.headers?.get('livechat-error') || undefined };
        };
        const getOrOpen = await call(ROOMS_COMMANDS.getOrOpenRoom, { token: await chat.visitor(), source: { type: 'api' } }, 'asyncapi-1');
        expect(getOrOpen.error).toBeUndefined();
        expect(getOrOpen.body).toMatchObject({ newRoom: true });
        const replySchema = payloadSchema(replyMessage(document, ROOMS_COMMANDS.getOrOpenRoom, 'response'));
        expect(schemas.errors(replySchema, getOrOpen.body)).toEqual([]);

        const sentReply = await call(ROOMS_COMMANDS.sendMessage, { token: getOrOpen.body.room.v.token, rid: getOrOpen.body.room._id, msg: 'over NATS' }, 'asyncapi-4');
        expect(sentReply).toMatchObject({ error: undefined, body: { message: { msg: 'over NATS' } } });
        expect(schemas.errors(payloadSchema(replyMessage(document, ROOMS_COMMANDS.sendMessage, 'response')), sentReply.body)).toEqual([]);
        const history = await call(ROOMS_COMMANDS.messageHistory, { token: getOrOpen.body.room.v.token, rid: getOrOpen.body.room._id }, 'asyncapi-5');
        expect(history.body.messages).toHaveLength(1);
        expect(schemas.errors(payloadSchema(replyMessage(document, ROOMS_COMMANDS.messageHistory, 'response')), history.body)).toEqual([]);

        const agents = await call(ROUTING_COMMANDS.listAgents, {}, 'asyncapi-2');
        expect(schemas.errors(payloadSchema(replyMessage(document, ROUTING_COMMANDS.listAgents, 'response')), agents.body)).toEqual([]);

        // An agent's credentials (docs/api.md#agents-sign-in): made, checked, refused once revoked.
        const created = await call(ROUTING_COMMANDS.createAgent, { username: 'asyncapi-token-agent' }, 'asyncapi-13');
        const agentId = created.body.user._id as string;
        const made = await call(ROUTING_COMMANDS.createAgentToken, { agentId }, 'asyncapi-6');
        expect(schemas.errors(payloadSchema(replyMessage(document, ROUTING_COMMANDS.createAgentToken, 'response')), made.body)).toEqual([]);
        const credentials = { agentId, authToken: made.body.authToken as string };
        const authenticated = await call(ROUTING_COMMANDS.authenticateAgent, credentials, 'asyncapi-7');
        expect(schemas.errors(payloadSchema(replyMessage(document, ROUTING_COMMANDS.authenticateAgent, 'response')), authenticated.body)).toEqual([]);
        expect((await call(ROUTING_COMMANDS.revokeAgentToken, credentials, 'asyncapi-8')).body).toEqual({});
        const refused = await call(ROUTING_COMMANDS.authenticateAgent, credentials, 'asyncapi-9');
        expect(refused).toEqual({ error: 'unauthorized', body: { code: 'unauthorized', error: 'unauthorized' } });
        const listed = await call(ROOMS_COMMANDS.listRooms, { servedBy: [agentId], count: 10, offset: 0 }, 'asyncapi-10');
        expect(schemas.errors(payloadSchema(replyMessage(document, ROOMS_COMMANDS.listRooms, 'response')), listed.body)).toEqual([]);
        const widget = await call(ROUTING_COMMANDS.widgetConfig, { agentId }, 'asyncapi-11');
        expect(schemas.errors(payloadSchema(replyMessage(document, ROUTING_COMMANDS.widgetConfig, 'response')), widget.body)).toEqual([]);
        const session = await call(ROOMS_COMMANDS.visitorSession, { token: getOrOpen.body.room.v.token }, 'asyncapi-12');
        expect(schemas.errors(payloadSchema(replyMessage(document, ROOMS_COMMANDS.visitorSession, 'response')), session.body)).toEqual([]);

        const closedAgain = await call(ROOMS_COMMANDS.closeRoom, { rid: room._id, token }, 'asyncapi-3');
        expect(closedAgain).toEqual({ error: 'room-closed', body: { code: 'room-closed', error: 'room-closed' } });
        const errorReply = replyMessage(document, ROOMS_COMMANDS.closeRoom, 'error');
        expect(schemas.errors(payloadSchema(errorReply), closedAgain.body)).toEqual([]);
        expect(schemas.errors(headersSchema(errorReply), { 'livechat-error': closedAgain.error })).toEqual([]);
        // A success reply is not an error reply, and the other way round.
        expect(schemas.errors(payloadSchema(replyMessage(document, ROOMS_COMMANDS.closeRoom, 'response')), closedAgain.body)).not.toEqual([]);
      } finally {
        await nc.close();
      }
    });
  });
});
