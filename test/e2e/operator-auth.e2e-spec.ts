import { Api, type ApiResponse } from '../../harness/http.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';
import { wrongToken } from '../support/tokens.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** An operator route, a request it would accept, and requests that are malformed even with the token. */
interface OperatorRoute {
  method: Method;
  path: string;
  body?: Record<string, unknown>;
  badBodies?: [string, unknown][];
  badPaths?: [string, string][];
}

const LONG = 'x'.repeat(257);
const DEPARTMENT = { name: 'Sales', enabled: true, showOnRegistration: true };
const departmentBadBodies: [string, unknown][] = [
  ['an unknown key', { department: DEPARTMENT, email: 'sales@example.com' }],
  ['an unknown key in department', { department: { ...DEPARTMENT, email: 'sales@example.com' } }],
  ['an unknown key in an agent', { department: DEPARTMENT, agents: [{ agentId: 'a1', role: 'owner' }] }],
  ['no department', { agents: [] }],
  ['department null', { department: null }],
  ['department a string', { department: 'Sales' }],
  ['no name', { department: { enabled: true, showOnRegistration: true } }],
  ['an empty name', { department: { ...DEPARTMENT, name: '' } }],
  ['a name over 256 characters', { department: { ...DEPARTMENT, name: LONG } }],
  ['enabled a string', { department: { ...DEPARTMENT, enabled: 'yes' } }],
  ['no showOnRegistration', { department: { name: 'Sales', enabled: true } }],
  ['a negative maxNumberSimultaneousChat', { department: { ...DEPARTMENT, maxNumberSimultaneousChat: -1 } }],
  ['a fractional maxNumberSimultaneousChat', { department: { ...DEPARTMENT, maxNumberSimultaneousChat: 1.5 } }],
  ['maxNumberSimultaneousChat over 1 000 000', { department: { ...DEPARTMENT, maxNumberSimultaneousChat: 1_000_001 } }],
  ['fallbackForwardDepartment a number', { department: { ...DEPARTMENT, fallbackForwardDepartment: 7 } }],
  ['agents not a list', { department: DEPARTMENT, agents: { agentId: 'a1' } }],
  ['agents null', { department: DEPARTMENT, agents: null }],
  ['more than 1000 agents', { department: DEPARTMENT, agents: Array.from({ length: 1001 }, (_, i) => ({ agentId: `a${i}` })) }],
  ['an agent without agentId', { department: DEPARTMENT, agents: [{ count: 1 }] }],
  ['an agent with a negative order', { department: DEPARTMENT, agents: [{ agentId: 'a1', order: -1 }] }],
  ['an agent with a string count', { department: DEPARTMENT, agents: [{ agentId: 'a1', count: '1' }] }],
];

const ROUTES: OperatorRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/livechat/users/agent',
    body: { username: 'agent-1', name: 'Agent One', maxChats: 2 },
    badBodies: [
      ['an unknown key', { username: 'agent-1', role: 'admin' }],
      ['no username', { name: 'Agent One' }],
      ['an empty username', { username: '' }],
      ['a username over 256 characters', { username: LONG }],
      ['a numeric username', { username: 42 }],
      ['name null', { username: 'agent-1', name: null }],
      ['a negative maxChats', { username: 'agent-1', maxChats: -1 }],
      ['a fractional maxChats', { username: 'agent-1', maxChats: 1.5 }],
      ['maxChats over 1 000 000', { username: 'agent-1', maxChats: 1_000_001 }],
      ['a JSON array', [{ username: 'agent-1' }]],
    ],
  },
  { method: 'GET', path: '/api/v1/livechat/users/agent' },
  {
    method: 'GET',
    path: '/api/v1/livechat/users/agent/agent-1',
    badPaths: [['an id over 256 characters', `/api/v1/livechat/users/agent/${LONG}`]],
  },
  {
    method: 'DELETE',
    path: '/api/v1/livechat/users/agent/agent-1',
    badPaths: [['an id over 256 characters', `/api/v1/livechat/users/agent/${LONG}`]],
  },
  {
    method: 'POST',
    path: '/api/v1/livechat/agent.status',
    body: { agentId: 'agent-1', status: 'available' },
    badBodies: [
      ['an unknown key', { agentId: 'agent-1', status: 'available', reason: 'lunch' }],
      ['no agentId', { status: 'available' }],
      ['agentId a list', { agentId: ['agent-1'], status: 'available' }],
      ['an unknown status', { agentId: 'agent-1', status: 'busy' }],
      ['no status', { agentId: 'agent-1' }],
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/users.setStatus',
    body: { userId: 'agent-1', status: 'away', message: 'back soon' },
    badBodies: [
      ['an unknown key', { userId: 'agent-1', status: 'away', agentId: 'agent-1' }],
      ['no userId', { status: 'online' }],
      ['an unknown status', { userId: 'agent-1', status: 'busy' }],
      ['a livechat status instead of a presence', { userId: 'agent-1', status: 'available' }],
      ['a message over 256 characters', { userId: 'agent-1', status: 'online', message: LONG }],
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/users.createToken',
    body: { userId: 'agent-1' },
    badBodies: [
      ['an unknown key', { userId: 'agent-1', username: 'agent-1' }],
      ['no userId', {}],
      ['an empty userId', { userId: '' }],
      ['a numeric userId', { userId: 1 }],
      ['a userId over 256 characters', { userId: LONG }],
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/livechat/department',
    body: { department: DEPARTMENT, agents: [{ agentId: 'agent-1', count: 0, order: 1 }] },
    badBodies: departmentBadBodies,
  },
  { method: 'GET', path: '/api/v1/livechat/department' },
  {
    method: 'PUT',
    path: '/api/v1/livechat/department/dep-1',
    body: { department: { ...DEPARTMENT, maxNumberSimultaneousChat: 3, fallbackForwardDepartment: 'dep-2' } },
    badBodies: departmentBadBodies,
    badPaths: [['an id over 256 characters', `/api/v1/livechat/department/${LONG}`]],
  },
  {
    method: 'POST',
    path: '/api/v1/settings/Livechat_Routing_Method',
    body: { value: 'Load_Balancing' },
    badBodies: [
      ['an unknown key', { value: 'Load_Balancing', _id: 'Livechat_Routing_Method' }],
      ['no value', {}],
      ['value null', { value: null }],
      ['value an object', { value: { method: 'Load_Balancing' } }],
      ['value a list', { value: ['Load_Balancing'] }],
      ['a string value over 256 characters', { value: LONG }],
    ],
    badPaths: [['an id over 256 characters', `/api/v1/settings/${LONG}`]],
  },
  {
    method: 'GET',
    path: '/api/v1/livechat/inquiries.queued?department=dep-1',
    badPaths: [
      ['an unknown query key', '/api/v1/livechat/inquiries.queued?status=queued'],
      ['department given twice', '/api/v1/livechat/inquiries.queued?department=a&department=b'],
      ['a department over 256 characters', `/api/v1/livechat/inquiries.queued?department=${LONG}`],
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/livechat/inquiries.take',
    body: { inquiryId: 'inq-1', userId: 'agent-1' },
    badBodies: [
      ['an unknown key', { inquiryId: 'inq-1', userId: 'agent-1', agentId: 'agent-1' }],
      ['no inquiryId', { userId: 'agent-1' }],
      ['no userId', { inquiryId: 'inq-1' }],
      ['a numeric userId', { inquiryId: 'inq-1', userId: 1 }],
    ],
  },
];

const WRONG_TOKENS: [string, string][] = [
  ['a wrong token of the same length', wrongToken(ADMIN_TOKEN)],
  ['a shorter token', ADMIN_TOKEN.slice(0, -1)],
  ['a longer token', `${ADMIN_TOKEN}x`],
  ['a much longer token', ADMIN_TOKEN.repeat(40)],
  ['an empty token', ''],
  ['the token in upper case', ADMIN_TOKEN.toUpperCase()],
];

const UNAUTHORIZED = { success: false, error: 'unauthorized' };

/** A failure body says what went wrong and nothing about the inside: no stack, no file, no SQL. */
function expectCleanFailure(res: ApiResponse): void {
  expect(res.body.success).toBe(false);
  expect(typeof res.body.error).toBe('string');
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|\.[cm]?[jt]s:\d+|node:internal|stack/i);
  expect(text).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE)\b|QueryFailedError|relation "|violates/);
}

describe('operator endpoints refuse requests without the operator token', () => {
  let stack: TestStack;
  let api: Api;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
  });
  afterAll(() => stack?.stop());

  describe.each(ROUTES)('$method $path', (route) => {
    const send = (init: { body?: unknown; headers?: Record<string, string>; admin?: boolean; path?: string }) =>
      api.request(route.method, init.path ?? route.path, { body: init.body ?? route.body, headers: init.headers, admin: init.admin });

    it('answers 401 unauthorized without X-Auth-Token', async () => {
      const res = await send({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    it.each(WRONG_TOKENS)('answers 401 unauthorized with %s', async (_case, token) => {
      const res = await send({ headers: { 'x-auth-token': token } });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    it('answers 401 unauthorized with the token sent twice', async () => {
      // node:http sends one header line per array entry.
      const headers = { 'x-auth-token': [ADMIN_TOKEN, ADMIN_TOKEN] } as unknown as Record<string, string>;
      const res = await send({ headers });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    it('answers 401 unauthorized with the token in another header', async () => {
      const res = await send({ headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-user-id': 'agent-1' } });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    if (route.badBodies) {
      it.each(route.badBodies)('answers 401, not 400, for a body with %s and no token', async (_case, body) => {
        const res = await send({ body });
        expect(res.status).toBe(401);
        expect(res.body).toEqual(UNAUTHORIZED);
      });

      it.each(route.badBodies)('answers 400 for a body with %s and the right token', async (_case, body) => {
        const res = await send({ body, admin: true });
        expect(res.status).toBe(400);
        expectCleanFailure(res);
      });
    }

    if (route.body) {
      it('answers 400 for a body that is not JSON, with the right token', async () => {
        const res = await api.request(route.method, route.path, {
          rawBody: '{"not json',
          headers: { 'content-type': 'application/json', 'x-auth-token': ADMIN_TOKEN },
        });
        expect(res.status).toBe(400);
        expectCleanFailure(res);
      });
    }

    if (route.badPaths) {
      it.each(route.badPaths)('answers 401, not 400, for %s and no token', async (_case, path) => {
        const res = await send({ path });
        expect(res.status).toBe(401);
        expect(res.body).toEqual(UNAUTHORIZED);
      });

      it.each(route.badPaths)('answers 400 for %s with the right token', async (_case, path) => {
        const res = await send({ path, admin: true });
        expect(res.status).toBe(400);
        expectCleanFailure(res);
      });
    }
  });

  it('names the unknown key in the 400', async () => {
    const res = await api.post('/api/v1/livechat/inquiries.take', { inquiryId: 'inq-1', userId: 'agent-1', extra: 1 }, { admin: true });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: "unknown parameter 'extra'" });
  });
});
