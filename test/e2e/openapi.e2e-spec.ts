import { Api } from '../../harness/http.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Operation {
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, Record<string, unknown>> };
}

/** docs/api.md (visitors, rooms, messages): the visitor endpoints (no login). */
const VISITOR_ENDPOINTS: [Method, string][] = [
  ['POST', '/api/v1/livechat/visitor'],
  ['GET', '/api/v1/livechat/visitor/{token}'],
  ['GET', '/api/v1/livechat/room'],
  ['POST', '/api/v1/livechat/room.close'],
  ['POST', '/api/v1/livechat/message'],
  ['GET', '/api/v1/livechat/messages.history/{rid}'],
  ['GET', '/api/v1/livechat/message/{_id}'],
  ['PUT', '/api/v1/livechat/message/{_id}'],
  ['DELETE', '/api/v1/livechat/message/{_id}'],
  ['GET', '/api/v1/livechat/config'],
  ['GET', '/api/v1/livechat/agent.info/{rid}/{token}'],
];

/** docs/api.md#operator-endpoints, docs/api.md#agents-sign-in: the operator endpoints (X-Auth-Token). */
const OPERATOR_ENDPOINTS: [Method, string][] = [
  ['POST', '/api/v1/livechat/users/agent'],
  ['GET', '/api/v1/livechat/users/agent'],
  ['GET', '/api/v1/livechat/users/agent/{_id}'],
  ['DELETE', '/api/v1/livechat/users/agent/{_id}'],
  ['POST', '/api/v1/livechat/agent.status'],
  ['POST', '/api/v1/users.setStatus'],
  ['POST', '/api/v1/livechat/department'],
  ['GET', '/api/v1/livechat/department'],
  ['PUT', '/api/v1/livechat/department/{_id}'],
  ['POST', '/api/v1/settings/{_id}'],
  ['GET', '/api/v1/livechat/inquiries.queued'],
  ['POST', '/api/v1/livechat/inquiries.take'],
  ['POST', '/api/v1/users.createToken'],
];

/** docs/api.md#agents-sign-in: an agent's own actions (X-User-Id + X-Auth-Token, never the operator token). */
const AGENT_ENDPOINTS: [Method, string][] = [
  ['GET', '/api/v1/me'],
  ['POST', '/api/v1/logout'],
  ['POST', '/api/v1/chat.sendMessage'],
  ['GET', '/api/v1/chat.syncMessages'],
  ['POST', '/api/v1/livechat/room.closeByUser'],
];

/** docs/api.md#agents-sign-in: endpoints the operator calls for any agent and an agent for themselves. */
const SHARED_ENDPOINTS: [Method, string][] = [
  ['POST', '/api/v1/livechat/agent.status'],
  ['POST', '/api/v1/livechat/inquiries.take'],
  ['GET', '/api/v1/livechat/rooms'],
];

const DOCUMENTED_ENDPOINTS = [...VISITOR_ENDPOINTS, ...OPERATOR_ENDPOINTS, ...AGENT_ENDPOINTS, ['GET', '/api/v1/livechat/rooms'] as [Method, string]];

/** Endpoints that take a body or path parameters (logout takes none). */
const WITH_INPUT = DOCUMENTED_ENDPOINTS.filter(([method, path]) => (method === 'POST' || method === 'PUT' || path.endsWith('}')) && path !== '/api/v1/logout');

describe('the OpenAPI document and the Swagger UI', () => {
  let stack: TestStack;
  let api: Api;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    const res = await fetch(`${stack.baseUrl}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(() => stack?.stop());

  function operation(method: Method, path: string): Operation {
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${path} is not in the document`);
    return op;
  }

  /** The schema behind a $ref (or a single allOf around one), as swagger writes nested types. */
  function resolve(schema: Schema | undefined): Schema {
    if (!schema) throw new Error('no schema');
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  }

  function replySchema(method: Method, path: string, status: string): Schema {
    const response = operation(method, path).responses[status];
    if (!response) throw new Error(`${method} ${path} documents no ${status}`);
    return resolve(response.content?.['application/json']?.schema);
  }

  it('serves an OpenAPI 3 JSON document at /api/docs/openapi.json', async () => {
    const res = await fetch(`${stack.baseUrl}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
  });

  it('documents the query of GET livechat/messages.history/{rid}: token required; end, limit, offset optional', () => {
    const query = (operation('GET', '/api/v1/livechat/messages.history/{rid}').parameters ?? []).filter((p) => p.in === 'query');
    expect(query.map((p) => [p.name, p.required ?? false]).sort()).toEqual([
      ['end', false],
      ['limit', false],
      ['offset', false],
      ['token', true],
    ]);
  });

  it("documents the message object and the room's conversation fields", () => {
    const message = doc.components.schemas.Message;
    expect(Object.keys(message.properties ?? {})).toEqual(
      expect.arrayContaining(['_id', 'rid', 'msg', 't', 'token', 'alias', 'ts', 'u', '_updatedAt', 'urls', 'mentions', 'channels', 'md', 'editedAt', 'editedBy']),
    );
    const room = doc.components.schemas.Room;
    expect(Object.keys(room.properties ?? {})).toEqual(
      expect.arrayContaining(['default', 'ro', 'sysMes', 'waitingResponse', 'responseBy', 'lastMessage', 'metrics']),
    );
    expect(resolve(room.properties?.lastMessage)).toBe(message);
    expect(Object.keys(resolve(room.properties?.metrics).properties ?? {})).toEqual(
      expect.arrayContaining(['v', 'servedBy', 'response', 'reaction', 'chatDuration', 'serviceTimeDuration']),
    );
  });

  it('lists every endpoint of docs/api.md with its method', () => {
    const missing = DOCUMENTED_ENDPOINTS.filter(([method, path]) => !doc.paths[path]?.[method.toLowerCase()]);
    expect(missing).toEqual([]);
  });

  it('documents the query of GET livechat/room: token required, rid and agentId optional, nothing else', () => {
    const query = (operation('GET', '/api/v1/livechat/room').parameters ?? []).filter((p) => p.in === 'query');
    expect(query.map((p) => [p.name, p.required ?? false]).sort()).toEqual([
      ['agentId', false],
      ['rid', false],
      ['token', true],
    ]);
    for (const p of query) expect(p.schema?.type).toBe('string');
  });

  it.each(WITH_INPUT)('documents the input of %s %s', (method, path) => {
    const op = operation(method, path);
    for (const name of path.match(/\{(\w+)\}/g)?.map((p) => p.slice(1, -1)) ?? []) {
      expect(op.parameters).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
    }
    if (method === 'POST' || method === 'PUT') {
      const body = resolve(op.requestBody?.content['application/json']?.schema);
      expect(body.type).toBe('object');
      expect(Object.keys(body.properties ?? {}).length).toBeGreaterThan(0);
      expect(body.required?.length).toBeGreaterThan(0);
    }
  });

  it('documents the body fields of POST livechat/visitor and POST livechat/department', () => {
    const visitorBody = resolve(operation('POST', '/api/v1/livechat/visitor').requestBody?.content['application/json'].schema);
    const visitor = resolve(visitorBody.properties?.visitor);
    expect(visitor.required).toEqual(['token']);
    expect(Object.keys(visitor.properties ?? {})).toEqual(
      expect.arrayContaining(['token', 'name', 'email', 'phone', 'department', 'username', 'customFields']),
    );
    const departmentBody = resolve(operation('POST', '/api/v1/livechat/department').requestBody?.content['application/json'].schema);
    expect(Object.keys(departmentBody.properties ?? {})).toEqual(['department', 'agents']);
    expect(Object.keys(resolve(departmentBody.properties?.department).properties ?? {})).toEqual(
      expect.arrayContaining(['name', 'enabled', 'showOnRegistration', 'maxNumberSimultaneousChat', 'fallbackForwardDepartment']),
    );
  });

  it.each(DOCUMENTED_ENDPOINTS)('documents the 200 reply of %s %s with success: true', (method, path) => {
    const reply = replySchema(method, path, '200');
    expect(reply.properties?.success).toMatchObject({ type: 'boolean', enum: [true] });
    expect(reply.required).toContain('success');
  });

  it.each([
    ['POST', '/api/v1/livechat/visitor', 'visitor', 'Visitor'],
    ['GET', '/api/v1/livechat/room', 'room', 'Room'],
    ['GET', '/api/v1/livechat/users/agent/{_id}', 'user', 'Agent'],
    ['POST', '/api/v1/livechat/department', 'department', 'Department'],
    ['POST', '/api/v1/livechat/inquiries.take', 'inquiry', 'Inquiry'],
    ['POST', '/api/v1/livechat/message', 'message', 'Message'],
    ['GET', '/api/v1/livechat/message/{_id}', 'message', 'Message'],
    ['PUT', '/api/v1/livechat/message/{_id}', 'message', 'Message'],
    ['POST', '/api/v1/chat.sendMessage', 'message', 'Message'],
    ['GET', '/api/v1/livechat/config', 'config', 'WidgetConfig'],
    ['GET', '/api/v1/livechat/agent.info/{rid}/{token}', 'agent', 'AgentInfo'],
    ['POST', '/api/v1/users.createToken', 'data', 'AgentToken'],
    ['GET', '/api/v1/chat.syncMessages', 'result', 'SyncMessagesResult'],
  ] as [Method, string, string, string][])('documents the %s %s reply with its %s object', (method, path, field, schemaName) => {
    const reply = replySchema(method, path, '200');
    expect(resolve(reply.properties?.[field])).toBe(doc.components.schemas[schemaName]);
  });

  it.each(DOCUMENTED_ENDPOINTS)('documents 400, 503 and 504 of %s %s in the API envelope', (method, path) => {
    const badRequest = replySchema(method, path, '400');
    expect(badRequest.properties?.success).toMatchObject({ type: 'boolean', enum: [false] });
    expect(badRequest.properties?.error).toMatchObject({ type: 'string' });
    expect(badRequest.properties).toHaveProperty('errorType');
    expect(replySchema(method, path, '503').properties?.error).toMatchObject({ enum: ['service-unavailable'] });
    expect(replySchema(method, path, '504').properties?.error).toMatchObject({ enum: ['timeout'] });
  });

  it('defines the X-Auth-Token security scheme: an API key in the header', () => {
    expect(doc.components.securitySchemes?.['X-Auth-Token']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' });
  });

  it('defines the X-User-Id security scheme of the agents: an API key in the header', () => {
    expect(doc.components.securitySchemes?.['X-User-Id']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-User-Id' });
  });

  it.each(OPERATOR_ENDPOINTS)('requires X-Auth-Token on %s %s and documents its 401', (method, path) => {
    const op = operation(method, path);
    expect(op.security).toContainEqual({ 'X-Auth-Token': [] });
    expect(op.tags).toEqual(['operators']);
    expect(replySchema(method, path, '401').properties?.error).toMatchObject({ enum: ['unauthorized'] });
  });

  it.each(OPERATOR_ENDPOINTS.filter(([m, p]) => !SHARED_ENDPOINTS.some(([sm, sp]) => sm === m && sp === p)))(
    "documents the 403 of an agent's credentials on %s %s",
    (method, path) => {
      expect(operation(method, path).security).toEqual([{ 'X-Auth-Token': [] }]);
      expect(replySchema(method, path, '403').properties?.error).toMatchObject({ enum: ['unauthorized'] });
    },
  );

  it.each(AGENT_ENDPOINTS)("requires an agent's X-User-Id and X-Auth-Token, together, on %s %s", (method, path) => {
    const op = operation(method, path);
    expect(op.security).toEqual([{ 'X-User-Id': [], 'X-Auth-Token': [] }]);
    expect(op.tags).toEqual(['agents']);
    expect(replySchema(method, path, '401').properties?.error).toMatchObject({ enum: ['unauthorized'] });
  });

  it.each(SHARED_ENDPOINTS)('takes the operator token or an agent acting for themselves on %s %s (403 for another agent)', (method, path) => {
    const op = operation(method, path);
    expect(op.security).toEqual([{ 'X-Auth-Token': [] }, { 'X-User-Id': [], 'X-Auth-Token': [] }]);
    expect(replySchema(method, path, '403').properties?.error).toMatchObject({ enum: ['unauthorized'] });
  });

  it.each(VISITOR_ENDPOINTS)('asks no operator token on %s %s', (method, path) => {
    const op = operation(method, path);
    expect(op.security ?? []).toEqual([]);
    expect(op.tags).toEqual(['livechat']);
    expect(op.responses).not.toHaveProperty('401');
  });

  it.each([
    ['POST', '/api/v1/livechat/agent.status'],
    ['POST', '/api/v1/users.setStatus'],
    ['DELETE', '/api/v1/livechat/users/agent/{_id}'],
    ['POST', '/api/v1/livechat/inquiries.take'],
  ] as [Method, string][])('documents 404 Agent not found on %s %s', (method, path) => {
    expect(replySchema(method, path, '404').properties?.error).toMatchObject({ enum: ['Agent not found'] });
  });

  it('documents GET /health under the health tag', () => {
    expect(operation('GET', '/health').tags).toEqual(['health']);
  });

  it('serves the Swagger UI page at /api/docs, with its scripts and styles', async () => {
    const page = await fetch(`${stack.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => new URL(m[1], page.url).href);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) expect((await fetch(asset)).status, asset).toBe(200);
  });

  it('still answers an unknown route with the 404 envelope, also under /api/docs', async () => {
    for (const path of ['/api/v1/livechat/no-such-endpoint', '/api/docs/no-such-file.js']) {
      const res = await api.get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, error: expect.any(String) });
    }
  });

  it('still serves the API itself: a visitor registers', async () => {
    const res = await api.registerVisitor({ token: 'openapi-visitor', name: 'Mary' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, visitor: { token: 'openapi-visitor', name: 'Mary' } });
  });
});
