import fc from 'fast-check';
import { UNSTORABLE } from '../../apps/gateway/src/http/strict-input.js';
import { Api } from '../../harness/http.js';
import { expectEventually } from '../../harness/eventually.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';
import {
  BAD_PERCENT,
  RawJson,
  Tally,
  encodeBody,
  failureProblem,
  invalidUtf8Bytes,
  missingTables,
  nested,
  rowCounts,
  send,
  stringWithBytes,
  tableState,
  validatorLength,
  wire,
  type Method,
  type WireRequest,
  type WireResponse,
} from './support/hostile.js';
import { documentedRoutes } from './support/documented-routes.js';
import { wrongToken } from '../support/tokens.js';

/**
 * docs/guarantees.md#6-bad-input-changes-nothing under hostile input, as properties over generated requests against every endpoint:
 * 1. a malformed request is a 400 (401 without the operator's or the agent's credentials) in the envelope and writes nothing;
 * 2. odd but valid strings (SQL and JSON injection, quotes, emoji, RTL, 256 characters) in valid
 *    positions are stored and answered verbatim, and what cannot be stored is refused with a 400;
 * 3. no answer shows a stack trace, SQL, a file path or an internal error class;
 * 4. a visitor token never reads or closes another visitor's room; an agent never reads, writes or
 *    closes a room they do not serve.
 * Every request has a 5 s deadline, so a hang fails the property instead of the file.
 */

const V = '/api/v1/livechat';
const JSON_CT = { 'content-type': 'application/json' };
const RUNS = Number(process.env.HOSTILE_RUNS ?? 60);
const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
/** Object.prototype's names: class-transformer skips such keys, so they are the keys most likely to slip through. */
const INHERITED_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

interface Fixtures {
  /** Visitors with an open room each, and one registered without a room. */
  a: { token: string; rid: string };
  b: { token: string; rid: string };
  c: { token: string };
  /** A visitor whose room is closed. */
  d: { token: string; rid: string };
  /** Serves every room (no limit). */
  anchorAgent: string;
  /** An agent that malformed requests aim at (status, presence, delete, membership). */
  targetAgent: string;
  department: string;
  queuedInquiry: string;
  /** The waiting visitor and room of `queuedInquiry`. */
  q: { token: string; rid: string };
  /** A department property 2 renames. */
  renamedDepartment: string;
  /** A's message in A's room. */
  message: string;
  /** The anchor agent's credentials (X-User-Id + X-Auth-Token): they serve A's and B's rooms. */
  anchor: Record<string, string>;
  /** An agent who serves nothing, and their credentials. */
  idleAgent: string;
  idle: Record<string, string>;
}

const tally = new Tally();

/**
 * fc.assert with a time bound: shrinking a failure replays requests, and must not run past the test's
 * timeout (the failure found so far is reported). A passing property normally ends well within it.
 */
function check<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncPropertyWithHooks<Ts>, numRuns: number, examples?: Ts[]): Promise<void> {
  return fc.assert(property, { numRuns, examples, plugins: [fc.interruptAfterTimeLimit(90_000)] });
}

// ---------------------------------------------------------------------------------------------
// Values

/** SQL and JSON injection, markup, quotes, emoji, RTL and other odd but valid text. */
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE rooms.rooms; --",
  '"; DROP TABLE routing.agents; --',
  "1; SELECT pg_sleep(10); --",
  "' UNION SELECT token, id FROM rooms.visitors --",
  '$$; DROP SCHEMA rooms CASCADE; $$',
  "'||(SELECT current_user)||'",
  "admin'--",
  "E'\\x00'",
  '\\',
  "\\'",
  '%',
  '_%_',
  '\\u0000',
  '"}, "token": "stolen',
  '{"$gt": ""}',
  '","success":true,"x":"',
  '</script><script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00',
  '%FF',
  'null',
  'undefined',
  '[]',
  '{}',
  'NaN',
  '😀',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '\u202Egnp.exe',
  'مرحبا بالعالم',
  'שלום עולם',
  'e\u0301\u0301\u0301',
  '\uFEFFbom',
  '\u2028\u2029',
  '\uFFFF\uFFFE',
  '𝕏𝕐',
  '\t\r\n',
  '\u0001\u001f\u007f',
  '  padded  ',
  'Robert"); DROP TABLE Students;--',
];

const nulString = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }))
  .map(([a, b]) => `${a}\u0000${b}`);

/** A surrogate with no partner (JSON.stringify writes it as a \udXXX escape). */
const loneSurrogateString = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ unit: 'binary', maxLength: 12 }))
  .map(([a, unit, b]) => `${a}${String.fromCharCode(unit)}${b}`);

/** Any string content: the above, random code points, up to 256 characters and just past it, NUL, lone surrogates. */
const oddString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...INJECTIONS), weight: 5 },
  { arbitrary: fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ unit: 'binary', maxLength: 16 })).map(([i, s]) => `${i}${s}`), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 48 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 48 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 240, maxLength: 256 }), weight: 1 },
  {
    arbitrary: fc.tuple(fc.constantFrom('x', '😀', 'é', 'ש', '\'"'), fc.integer({ min: 250, max: 256 })).map(([c, n]) => [...c.repeat(n)].slice(0, n).join('')),
    weight: 1,
  },
  { arbitrary: fc.tuple(fc.constantFrom('x', '😀', 'ש'), fc.integer({ min: 257, max: 400 })).map(([c, n]) => c.repeat(n)), weight: 1 },
  { arbitrary: loneSurrogateString, weight: 1 },
  { arbitrary: nulString, weight: 1 },
);

/** Whether a string fits a field of `max` characters and can be stored: the oracle of property 2. */
function storable(value: string, max = 256): boolean {
  return !UNSTORABLE.test(value) && validatorLength(value) <= max;
}

const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constant(new RawJson(Buffer.from('1e400'), '1e400')),
);

/** Nesting from 1 level (`[]`) to 20 000; `minDepth` 2 where an empty list would be valid. */
const deepFrom = (minDepth: number) =>
  fc
    .tuple(
      fc.oneof(fc.integer({ min: minDepth, max: 40 }), fc.integer({ min: 40, max: 20_000 }), fc.constant(10_000)),
      fc.constantFrom<'array' | 'object'>('array', 'object'),
    )
    .map(([depth, shape]) => nested(depth, shape));
const deep = deepFrom(1);

const rawBytesInString = fc
  .tuple(fc.stringMatching(/^[a-z0-9 ]{0,8}$/), invalidUtf8Bytes, fc.stringMatching(/^[a-z0-9 ]{0,8}$/))
  .map(([before, bytes, after]) => stringWithBytes(before, bytes, after));

const tooLong = (max: number) =>
  fc.oneof(
    fc.tuple(fc.integer({ min: max + 1, max: max + 50 }), fc.constantFrom('x', '😀', 'ש')).map(([n, c]) => c.repeat(n)),
    fc.integer({ min: max + 1, max: 300_000 }).map((n) => 'y'.repeat(n)),
  );

const BLANKS = ['', ' ', '   ', '\t\n', '\u00a0', '\u3000\ufeff', '\u2028'];

const MISSING = Symbol('missing');

// ---------------------------------------------------------------------------------------------
// Fields and the values that make them invalid

type Field =
  | { path: (string | number)[]; kind: 'string'; max: number; required?: boolean; notEmpty?: boolean; blank?: boolean; nullOk?: boolean }
  | { path: (string | number)[]; kind: 'int' }
  | { path: (string | number)[]; kind: 'bool'; required?: boolean; nullOk?: boolean }
  | { path: (string | number)[]; kind: 'enum'; values: string[] }
  | { path: (string | number)[]; kind: 'object' }
  | { path: (string | number)[]; kind: 'array'; max: number; item: unknown; nullOk?: boolean }
  | { path: (string | number)[]; kind: 'setting' };

function invalidValue(field: Field): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'string': {
      const options: fc.Arbitrary<unknown>[] = [notAString, tooLong(field.max), nulString, loneSurrogateString, rawBytesInString, deep];
      if (!field.nullOk) options.push(fc.constant(null));
      if (field.required) options.push(fc.constant(MISSING));
      if (field.notEmpty) options.push(fc.constant(''));
      if (field.blank) options.push(fc.constantFrom(...BLANKS));
      return fc.oneof(...options);
    }
    case 'int':
      return fc.oneof(
        fc.integer({ max: -1 }),
        fc.integer({ min: 1_000_001 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
        fc.constant(null),
        fc.nat().map(String),
        fc.boolean(),
        fc.constant([1]),
        fc.constant({ n: 1 }),
        fc.constantFrom(new RawJson(Buffer.from('1e400'), '1e400'), new RawJson(Buffer.from('-1e400'), '-1e400'), new RawJson(Buffer.from('2.5e0'), '2.5e0')),
        deep,
      );
    case 'bool':
      return fc.oneof(
        fc.constantFrom<unknown>('true', 'false', 1, 0, [], {}, 'yes'),
        ...(field.nullOk ? [] : [fc.constant(null)]),
        ...(field.required ? [fc.constant(MISSING)] : []),
        deep,
      );
    case 'enum':
      return fc.oneof(
        fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !field.values.includes(s)),
        fc.constantFrom(...field.values).map((v) => v.toUpperCase()),
        fc.constantFrom(...field.values).map((v) => ` ${v}`),
        notAString,
        fc.constant(null),
        fc.constant(MISSING),
        nulString,
        deep,
      );
    case 'object':
      return fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.boolean(),
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
        fc.constant(null),
        fc.constant(MISSING),
        deep,
      );
    case 'array':
      return fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.constant({ 0: field.item }),
        fc.integer({ min: field.max + 1, max: field.max + 20 }).map((n) => Array.from({ length: n }, () => field.item)),
        fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 3 }),
        ...(field.nullOk ? [] : [fc.constant(null)]),
        deepFrom(2),
      );
    case 'setting':
      return fc.oneof(
        fc.constant(null),
        fc.constant(MISSING),
        fc.constant({ value: 'Load_Balancing' }),
        fc.constant(['Load_Balancing']),
        tooLong(256),
        fc.constantFrom(new RawJson(Buffer.from('1e400'), '1e400'), new RawJson(Buffer.from('-1e400'), '-1e400')),
        nulString,
        loneSurrogateString,
        rawBytesInString,
        deep,
      );
  }
}

function withValue(template: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(template) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === MISSING) delete node[last];
  else node[last] = value;
  return copy;
}

function withKey(template: unknown, path: (string | number)[], key: string): unknown {
  const copy = structuredClone(template) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path) node = node[step] as Record<string | number, unknown>;
  Object.defineProperty(node, key, { value: 'extra', enumerable: true, configurable: true, writable: true });
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Endpoints: a request that would succeed, and how it can be made malformed

interface Endpoint {
  name: string;
  method: Method;
  /** The path with `{param}` where a path parameter goes, and the parameter's valid value. */
  path: string;
  param?: string;
  query?: [string, string][];
  /** Query keys the endpoint reads (refused when repeated, too long or unknown). */
  queryKeys?: { known: string[]; required?: string; max: number };
  body?: unknown;
  fields?: Field[];
  /** Unknown body keys are refused (everything but POST livechat/visitor, which drops them). */
  strictBody?: boolean;
  /** Object paths where an unknown key can go. */
  objects?: (string | number)[][];
  operator: boolean;
  /** Sent with the anchor agent's credentials (an agent's endpoint). */
  agent?: boolean;
}

/** An endpoint's case: its method and path come from its name (`PUT livechat/message/:_id`). */
type EndpointCase = Omit<Endpoint, 'method' | 'path'> & {
  /** Values of the path parameters before the last one (the last is `param`, made hostile). */
  fixedParams?: Record<string, string>;
};

/** `METHOD route` → the method, and the path under /api/v1 with `{param}` for the last parameter. */
function withRoute({ fixedParams, ...endpoint }: EndpointCase): Endpoint {
  const [method, route] = endpoint.name.split(' ') as [Method, string];
  const last = route.match(/:\w+/g)?.at(-1);
  const path = `/api/v1/${route.replace(/:(\w+)/g, (param, key: string) => (param === last ? '{param}' : encodeURIComponent(fixedParams![key])))}`;
  return { ...endpoint, method, path };
}

function endpoints(fx: Fixtures): Endpoint[] {
  return endpointCases(fx).map(withRoute);
}

function endpointCases(fx: Fixtures): EndpointCase[] {
  const department = { name: 'Hostile Sales', enabled: true, showOnRegistration: false, maxNumberSimultaneousChat: 2, fallbackForwardDepartment: fx.department };
  return [
    {
      name: 'POST livechat/visitor',
      body: {
        visitor: {
          token: 'p1-never-registered',
          name: 'Never',
          email: 'never@example.com',
          username: 'never',
          customFields: [{ key: 'plan', value: 'gold', overwrite: true }],
        },
      },
      fields: [
        { path: ['visitor'], kind: 'object' },
        { path: ['visitor', 'token'], kind: 'string', max: 256, required: true, notEmpty: true, blank: true },
        { path: ['visitor', 'name'], kind: 'string', max: 256, nullOk: true },
        { path: ['visitor', 'email'], kind: 'string', max: 256, nullOk: true },
        { path: ['visitor', 'phone'], kind: 'string', max: 256, nullOk: true },
        { path: ['visitor', 'username'], kind: 'string', max: 256, nullOk: true },
        { path: ['visitor', 'department'], kind: 'string', max: 256, nullOk: true },
        { path: ['visitor', 'customFields'], kind: 'array', max: 100, item: { key: 'k', value: 'v' }, nullOk: true },
        { path: ['visitor', 'customFields', 0, 'key'], kind: 'string', max: 256, required: true },
        { path: ['visitor', 'customFields', 0, 'value'], kind: 'string', max: 10_000, required: true },
        { path: ['visitor', 'customFields', 0, 'overwrite'], kind: 'bool', nullOk: true },
      ],
      strictBody: false,
      operator: false,
    },
    { name: 'GET livechat/visitor/:token', param: fx.a.token, operator: false },
    {
      name: 'GET livechat/room',
      query: [['token', fx.c.token]],
      queryKeys: { known: ['token', 'rid', 'agentId'], required: 'token', max: 256 },
      operator: false,
    },
    {
      name: 'POST livechat/room.close',
      body: { rid: fx.a.rid, token: fx.a.token },
      fields: [
        { path: ['rid'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['token'], kind: 'string', max: 256, required: true, notEmpty: true },
      ],
      strictBody: true,
      objects: [[]],
      operator: false,
    },
    {
      name: 'POST livechat/message',
      body: { token: fx.a.token, rid: fx.a.rid, msg: 'p1 never sent', _id: 'p1-never-sent' },
      fields: [
        { path: ['token'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['rid'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['msg'], kind: 'string', max: 10_000, required: true, notEmpty: true, blank: true },
        { path: ['_id'], kind: 'string', max: 256, notEmpty: true },
      ],
      strictBody: true,
      objects: [[]],
      operator: false,
    },
    {
      name: 'GET livechat/messages.history/:rid',
      param: fx.a.rid,
      query: [['token', fx.a.token]],
      queryKeys: { known: ['token', 'end', 'limit', 'offset'], required: 'token', max: 256 },
      operator: false,
    },
    {
      name: 'GET livechat/message/:_id',
      param: fx.message,
      query: [['token', fx.a.token], ['rid', fx.a.rid]],
      queryKeys: { known: ['token', 'rid'], required: 'token', max: 256 },
      operator: false,
    },
    {
      name: 'PUT livechat/message/:_id',
      param: fx.message,
      body: { token: fx.a.token, rid: fx.a.rid, msg: 'p1 never edited' },
      fields: [
        { path: ['token'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['rid'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['msg'], kind: 'string', max: 10_000, required: true, notEmpty: true, blank: true },
      ],
      strictBody: true,
      objects: [[]],
      operator: false,
    },
    {
      name: 'DELETE livechat/message/:_id',
      param: fx.message,
      body: { token: fx.a.token, rid: fx.a.rid },
      fields: [
        { path: ['token'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['rid'], kind: 'string', max: 256, required: true, notEmpty: true },
      ],
      strictBody: true,
      objects: [[]],
      operator: false,
    },
    {
      name: 'POST livechat/users/agent',
      body: { username: 'p1-never-created', name: 'Never Created', maxChats: 2 },
      fields: [
        { path: ['username'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['name'], kind: 'string', max: 256 },
        { path: ['maxChats'], kind: 'int' },
      ],
      strictBody: true,
      objects: [[]],
      operator: true,
    },
    { name: 'GET livechat/users/agent', operator: true },
    { name: 'GET livechat/users/agent/:_id', param: fx.targetAgent, operator: true },
    { name: 'DELETE livechat/users/agent/:_id', param: fx.targetAgent, operator: true },
    {
      name: 'POST livechat/agent.status',
      body: { agentId: fx.targetAgent, status: 'not-available' },
      fields: [
        { path: ['agentId'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['status'], kind: 'enum', values: ['available', 'not-available'] },
      ],
      strictBody: true,
      objects: [[]],
      operator: true,
    },
    {
      name: 'POST users.setStatus',
      body: { userId: fx.targetAgent, status: 'away', message: 'back soon' },
      fields: [
        { path: ['userId'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['status'], kind: 'enum', values: ['online', 'away', 'offline'] },
        { path: ['message'], kind: 'string', max: 256 },
      ],
      strictBody: true,
      objects: [[]],
      operator: true,
    },
    {
      name: 'POST livechat/department',
      body: { department, agents: [{ agentId: fx.targetAgent, count: 0, order: 1 }] },
      fields: departmentFields(),
      strictBody: true,
      objects: [[], ['department'], ['agents', 0]],
      operator: true,
    },
    { name: 'GET livechat/department', operator: true },
    {
      name: 'PUT livechat/department/:_id',
      param: fx.department,
      body: { department: { name: 'Hostile Renamed', enabled: true, showOnRegistration: false }, agents: [{ agentId: fx.targetAgent }] },
      fields: departmentFields(),
      strictBody: true,
      objects: [[], ['department'], ['agents', 0]],
      operator: true,
    },
    {
      name: 'POST settings/:_id',
      param: 'Livechat_Routing_Method',
      body: { value: 'Load_Rotation' },
      fields: [{ path: ['value'], kind: 'setting' }],
      strictBody: true,
      objects: [[]],
      operator: true,
    },
    {
      name: 'GET livechat/inquiries.queued',
      query: [['department', fx.department]],
      queryKeys: { known: ['department'], max: 256 },
      operator: true,
    },
    {
      name: 'POST livechat/inquiries.take',
      body: { inquiryId: fx.queuedInquiry, userId: fx.targetAgent },
      fields: [
        { path: ['inquiryId'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['userId'], kind: 'string', max: 256, required: true, notEmpty: true },
      ],
      strictBody: true,
      objects: [[]],
      operator: true,
    },
    {
      name: 'POST users.createToken',
      body: { userId: fx.targetAgent },
      fields: [{ path: ['userId'], kind: 'string', max: 256, required: true, notEmpty: true }],
      strictBody: true,
      objects: [[]],
      operator: true,
    },
    {
      name: 'GET livechat/config',
      query: [['token', fx.a.token]],
      queryKeys: { known: ['token', 'department'], max: 256 },
      operator: false,
    },
    { name: 'GET livechat/agent.info/:rid/:token', fixedParams: { rid: fx.a.rid }, param: fx.a.token, operator: false },
    { name: 'GET me', operator: false, agent: true },
    {
      name: 'POST chat.sendMessage',
      body: { message: { rid: fx.a.rid, msg: 'p1 never sent by the agent', _id: 'p1-agent-never-sent' } },
      fields: [
        { path: ['message'], kind: 'object' },
        { path: ['message', 'rid'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['message', 'msg'], kind: 'string', max: 10_000, required: true, notEmpty: true, blank: true },
        { path: ['message', '_id'], kind: 'string', max: 256, notEmpty: true },
      ],
      strictBody: true,
      objects: [[], ['message']],
      operator: false,
      agent: true,
    },
    {
      name: 'GET chat.syncMessages',
      query: [['roomId', fx.a.rid], ['lastUpdate', '2020-01-01T00:00:00.000Z']],
      queryKeys: { known: ['roomId', 'lastUpdate'], required: 'roomId', max: 256 },
      operator: false,
      agent: true,
    },
    {
      name: 'GET livechat/rooms',
      query: [['open', 'true'], ['count', '10'], ['offset', '0']],
      // agents[] is left out: naming it twice is a valid request (for an agent, another agent's rooms are a 403).
      queryKeys: { known: ['open', 'count', 'offset'], max: 256 },
      operator: false,
      agent: true,
    },
    {
      name: 'POST livechat/room.closeByUser',
      body: { rid: fx.a.rid, comment: 'p1 never closed' },
      fields: [
        { path: ['rid'], kind: 'string', max: 256, required: true, notEmpty: true },
        { path: ['comment'], kind: 'string', max: 10_000 },
      ],
      strictBody: true,
      objects: [[]],
      operator: false,
      agent: true,
    },
  ];
}

/**
 * The documented routes with no case here, and why: each other route of the gateway's OpenAPI
 * document has its case in endpoints() (checked below), so a new route cannot go unprobed unnoticed.
 */
const UNPROBED: Record<string, string> = {
  'POST logout': "takes no input, and a request that got through would revoke the anchor agent's token mid-suite",
  'GET console/rooms.recent': "the console's read of the gateway's in-memory room buffer: writes nothing (console.e2e-spec checks it)",
};

/** Every route of the API as the gateway documents it (its OpenAPI document), but the UNPROBED ones. */
const ENDPOINT_NAMES = (await documentedRoutes()).filter((name) => !(name in UNPROBED));

function departmentFields(): Field[] {
  return [
    { path: ['department'], kind: 'object' },
    { path: ['department', 'name'], kind: 'string', max: 256, required: true, notEmpty: true },
    { path: ['department', 'enabled'], kind: 'bool', required: true },
    { path: ['department', 'showOnRegistration'], kind: 'bool', required: true },
    { path: ['department', 'maxNumberSimultaneousChat'], kind: 'int' },
    { path: ['department', 'fallbackForwardDepartment'], kind: 'string', max: 256 },
    { path: ['agents'], kind: 'array', max: 1000, item: { agentId: 'a' } },
    { path: ['agents', 0, 'agentId'], kind: 'string', max: 256, required: true, notEmpty: true },
    { path: ['agents', 0, 'count'], kind: 'int' },
    { path: ['agents', 0, 'order'], kind: 'int' },
  ];
}

function pathOf(e: Endpoint, param = e.param !== undefined ? encodeURIComponent(e.param) : undefined, query = e.query): string {
  const path = param === undefined ? e.path : e.path.replace('{param}', param);
  return query && query.length > 0 ? `${path}?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : path;
}

function encodedQuery(pairs: [string, string][]): [string, string][] {
  return pairs.map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]);
}

/** Malformed requests for one endpoint: nothing here is a request the API would accept. */
function malformed(e: Endpoint): fc.Arbitrary<WireRequest> {
  const headers = (extra: Record<string, string> = {}) => ({ ...(e.body !== undefined ? JSON_CT : {}), ...extra });
  const body = e.body !== undefined ? encodeBody(e.body) : undefined;
  const baseQuery = encodedQuery(e.query ?? []);
  const req = (label: string, parts: Partial<WireRequest>) => wire({ label, method: e.method, path: pathOf(e, undefined, baseQuery), headers: headers(), body, ...parts });
  const generators: fc.Arbitrary<WireRequest>[] = [];
  const afix = fc.stringMatching(/^[a-z0-9]{0,6}$/);
  // After a bad percent-encoding: no hex digit, which could complete it ('%' + '38' is '8').
  const suffix = fc.stringMatching(/^[g-z]{0,6}$/);

  // URL: percent-encodings that do not decode, NUL, a request line over Node's 16 KiB.
  const join = pathOf(e, undefined, baseQuery).includes('?') ? '&' : '?';
  generators.push(
    fc.tuple(afix, fc.constantFrom(...BAD_PERCENT), suffix, fc.boolean()).map(([a, bad, b, inKey]) =>
      req(`bad percent-encoding in the query ${inKey ? 'key' : 'value'}`, {
        path: `${pathOf(e, undefined, baseQuery)}${join}${inKey ? `${a}${bad}${b}=1` : `x=${a}${bad}${b}`}`,
      }),
    ),
    fc.tuple(afix, afix).map(([a, b]) => req('NUL in the query', { path: `${pathOf(e, undefined, baseQuery)}${join}x=${a}%00${b}` })),
    fc.integer({ min: 17_000, max: 60_000 }).map((n) => req(`a ${n}-character query`, { path: `${pathOf(e, undefined, baseQuery)}${join}pad=${'p'.repeat(n)}` })),
  );

  if (e.param !== undefined) {
    generators.push(
      fc.tuple(afix, fc.constantFrom(...BAD_PERCENT), suffix).map(([a, bad, b]) => req('bad percent-encoding in the path', { path: pathOf(e, `${a}${bad}${b}`, baseQuery) })),
      fc.tuple(afix, afix).map(([a, b]) => req('NUL in the path', { path: pathOf(e, `${a}%00${b}`, baseQuery) })),
      fc.integer({ min: 257, max: 10_000 }).map((n) => req(`a ${n}-character path parameter`, { path: pathOf(e, 'z'.repeat(n), baseQuery) })),
    );
  }

  if (e.queryKeys) {
    const { known, required, max } = e.queryKeys;
    const valid = e.query ?? [];
    const unknownKey = fc.oneof(
      fc.constantFrom(...INHERITED_KEYS, 'Token', 'token[]', 'token[0]', 'rid[]', 'TOKEN', 'token ', 'department[]', 'foo'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
    ).filter((k) => !known.includes(k));
    generators.push(
      fc.tuple(unknownKey, fc.string({ maxLength: 10 })).map(([k, v]) =>
        req(`unknown query key ${JSON.stringify(k)}`, { path: pathOf(e, undefined, encodedQuery([...valid, [k, v]])) }),
      ),
      fc.tuple(fc.constantFrom(...known), fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([k, v1, v2]) =>
        req(`query key ${k} given twice`, { path: pathOf(e, undefined, encodedQuery([...valid.filter(([key]) => key !== k), [k, v1 || 'x'], [k, v2 || 'y']])) }),
      ),
      fc.tuple(fc.constantFrom(...known), fc.integer({ min: max + 1, max: 3_000 }), fc.constantFrom('x', '😀', 'ש')).map(([k, n, c]) => [k, c.repeat(n)] as const).map(([k, v]) =>
        req(`query ${k} too long`, { path: pathOf(e, undefined, encodedQuery([...valid.filter(([key]) => key !== k), [k, v]])) }),
      ),
      fc.tuple(fc.constantFrom(...known), nulString).map(([k, v]) =>
        req(`NUL in query ${k}`, { path: pathOf(e, undefined, encodedQuery([...valid.filter(([key]) => key !== k), [k, v]])) }),
      ),
      fc.tuple(fc.constantFrom(...known), fc.constantFrom('[]', '[0]', '[a]', '.x')).map(([k, tail]) =>
        req(`query key ${k}${tail}`, { path: pathOf(e, undefined, [...encodedQuery(valid.filter(([key]) => key !== k)), [`${k}${tail}`, 'v']]) }),
      ),
    );
    if (required) {
      generators.push(
        fc.constantFrom<[string, [string, string][]]>(
          ['no token', valid.filter(([k]) => k !== required)],
          ['an empty token', [...valid.filter(([k]) => k !== required), [required, '']]],
        ).map(([label, q]) => req(label, { path: pathOf(e, undefined, encodedQuery(q)) })),
      );
    }
  }

  if (e.body !== undefined) {
    for (const field of e.fields ?? []) {
      generators.push(invalidValue(field).map((value) => req(`${field.path.join('.')} = ${show(value)}`, { body: encodeBody(withValue(e.body, field.path, value)) })));
    }
    if (e.strictBody) {
      const unknownKey = fc.oneof(fc.constantFrom(...INHERITED_KEYS), fc.string({ unit: 'binary', minLength: 0, maxLength: 12 }));
      generators.push(
        fc.tuple(fc.constantFrom(...(e.objects ?? [[]])), unknownKey).filter(([path, key]) => !knownKeyAt(e, path, key)).map(([path, key]) =>
          req(`unknown key ${JSON.stringify(key)} at ${path.join('.') || 'the root'}`, { body: encodeBody(withKey(e.body, path, key)) }),
        ),
      );
    }
    const text = body!.toString('utf8');
    generators.push(
      fc.oneof(
        fc.constantFrom('{', '{"a":', "{'a':1}", '[1,]', '{"a":1,}', '// x\n{}', 'undefined', 'NaN', '\u0000', ' ', '{"a":"\u0001"}'),
        fc.constantFrom(`${text} trailing`, `${text}${text}`, text.slice(0, -1)),
        fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !isJson(s)),
      ).map((s) => req(`not JSON: ${JSON.stringify(s.slice(0, 40))}`, { body: Buffer.from(s, 'utf8') })),
      fc.constantFrom('null', 'true', '0', '"text"', '[]', `[${text}]`).map((s) => req(`a JSON ${s.slice(0, 10)} as the body`, { body: Buffer.from(s) })),
      fc.constant(req('an empty body', { body: Buffer.alloc(0) })),
      fc.tuple(fc.integer({ min: 1024 * 1024 - text.length + 1, max: 3 * 1024 * 1024 }), fc.boolean()).map(([pad, chunked]) =>
        req(`a ${text.length + pad}-byte body${chunked ? ', chunked' : ''}`, { body: Buffer.concat([body!, Buffer.alloc(pad, 0x20)]), chunked }),
      ),
      fc
        .constantFrom(
          'text/plain',
          'text/plain; charset=utf-8',
          'application/xml',
          'application/octet-stream',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'text/html',
          'application/json-patch+json',
          'application/vnd.api+json',
          'application/*',
          '*/*',
          'json',
          '',
        )
        .map((ct) => req(`content-type ${JSON.stringify(ct)}`, { headers: ct ? { 'content-type': ct } : {} })),
      fc.constant(req('a UTF-16 body', { body: Buffer.from(text, 'utf16le'), headers: headers({ 'content-type': 'application/json; charset=utf-16' }) })),
      fc.constantFrom('{"__proto__":{"admin":true},', '{"constructor":{"prototype":{"admin":true}},').map((prefix) =>
        req(`prototype poisoning ${prefix.slice(2, 13)}`, { body: Buffer.from(`${prefix}${text.slice(1)}`) }),
      ),
      deep.map((raw) => req(`${raw.what} as the body`, { body: raw.bytes })),
      fc.tuple(fc.stringMatching(/^[a-z]{0,5}$/), invalidUtf8Bytes).map(([before, bytes]) =>
        req(`bytes ${Buffer.from(bytes).toString('hex')} in a key`, {
          body: Buffer.concat([Buffer.from(`${text.slice(0, -1)},"${before}`), Buffer.from(bytes), Buffer.from('":1}')]),
        }),
      ),
    );
  }
  return fc.oneof(...generators);
}

function knownKeyAt(e: Endpoint, path: (string | number)[], key: string): boolean {
  return (e.fields ?? []).some((f) => f.path.length === path.length + 1 && path.every((p, i) => f.path[i] === p) && f.path[path.length] === key);
}

/** Percent-encodes any string; a lone surrogate becomes its 3-byte form (%ED%A0%80), which is not UTF-8. */
/**
 * "." and "..": no URL path can carry them as a segment (WHATWG URL, which browsers and Node's
 * http.request parse with, resolves them, %2E included), so a path built with one reaches another route.
 */
function dotSegment(value: string): boolean {
  return value === '.' || value === '..';
}

function encodeAny(value: string): string {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (ch) => {
    if (ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff) {
      const u = ch.charCodeAt(0);
      return [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
    return encodeURIComponent(ch);
  });
}

function query(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`).join('&');
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function show(value: unknown): string {
  if (value === MISSING) return 'missing';
  if (value instanceof RawJson) return value.what;
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// ---------------------------------------------------------------------------------------------

describe('hostile input (docs/guarantees.md#6-bad-input-changes-nothing)', () => {
  let stack: TestStack;
  let api: Api;
  let fx: Fixtures;

  /** Sends `req` with the operator `token` or an agent's credentials (`agent`: their headers), when given. */
  const call = async (property: string, req: WireRequest, token?: string, agent?: Record<string, string>): Promise<WireResponse> => {
    // A request that carries an agent's credentials keeps them.
    const operator: Record<string, string> = token === undefined || req.headers['x-user-id'] !== undefined ? {} : { 'x-auth-token': token };
    const headers = { ...req.headers, ...operator, ...agent };
    const res = await send(stack.baseUrl, { ...req, headers });
    tally.add(property, res.status);
    return res;
  };

  /** The answer is a failure in the API envelope with one of `statuses`, and shows nothing internal. */
  const expectRefused = (res: WireResponse, req: WireRequest, statuses: number[]) => {
    // A body over the limit is answered while it is still coming (the gateway reads the rest and drops it).
    expect(res.closedWhileSending, `${req.label}: the connection was closed while the body was being sent`).toBeFalsy();
    expect(statuses, `${req.label}: ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
    expect(failureProblem(res, req), `${req.label}: ${res.text.slice(0, 300)}`).toBeNull();
  };

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    const anchorAgent = await api.createAgent('hostile-anchor');
    const idleAgent = await api.createAgent('hostile-idle');
    await api.setAvailability(idleAgent, 'not-available');
    const headersOf = (c: { userId: string; authToken: string }) => ({ 'x-user-id': c.userId, 'x-auth-token': c.authToken });
    const anchor = headersOf(await api.createToken(anchorAgent));
    const idle = headersOf(await api.createToken(idleAgent));
    const targetAgent = await api.createAgent('hostile-target', { maxChats: 1 });
    await api.setAvailability(targetAgent, 'not-available');
    const { department } = await api.saveDepartment({ name: 'Hostile Base', enabled: true, showOnRegistration: false });
    const open = async (token: string, fields: Record<string, unknown> = {}) => {
      const reg = await api.registerVisitor({ token, ...fields });
      expect(reg.status).toBe(200);
      const res = await api.room({ token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.room._id as string;
    };
    const a = { token: 'hostile-visitor-a', rid: await open('hostile-visitor-a', { name: 'Alice' }) };
    const b = { token: 'hostile-visitor-b', rid: await open('hostile-visitor-b', { name: 'Bob' }) };
    const d = { token: 'hostile-visitor-d', rid: await open('hostile-visitor-d') };
    expect((await api.closeRoom(d.rid, d.token)).status).toBe(200);
    expect((await api.registerVisitor({ token: 'hostile-visitor-c' })).status).toBe(200);
    // A room that waits: its department has no agents and chats are accepted without agents.
    const { department: waiting } = await api.saveDepartment({ name: 'Hostile Waiting', enabled: true, showOnRegistration: false });
    await api.setSetting('Livechat_accept_chats_with_no_agents', true);
    const q = { token: 'hostile-visitor-q', rid: await open('hostile-visitor-q', { department: waiting._id }) };
    const { department: renamed } = await api.saveDepartment({ name: 'Hostile Renamed By P2', enabled: false, showOnRegistration: false });
    const sent = await api.sendMessage({ token: a.token, rid: a.rid, msg: 'a message for the hostile requests to aim at' });
    expect(sent.status).toBe(200);
    const queued = await expectEventually(async () => {
      const [inquiry] = await api.queued(waiting._id);
      expect(inquiry).toBeDefined();
      return inquiry;
    });
    fx = {
      a,
      b,
      c: { token: 'hostile-visitor-c' },
      d,
      q,
      anchorAgent,
      targetAgent,
      department: department._id,
      queuedInquiry: queued._id,
      renamedDepartment: renamed._id,
      message: sent.body.message._id,
      anchor,
      idleAgent,
      idle,
    };
    // Settle: both rooms served and the tables at rest, so that from here they change only by request.
    await expectEventually(
      async () => {
        for (const v of [a, b]) expect((await api.room({ token: v.token, rid: v.rid })).body.room.servedBy).toBeDefined();
        const state = await tableState(stack.db);
        await new Promise((done) => setTimeout(done, 300));
        expect(await tableState(stack.db)).toEqual(state);
      },
      { timeoutMs: 20_000 },
    );
  });

  afterAll(async () => {
    console.log(`hostile input, requests per property:\n${tally.summary()}`);
    await stack?.stop();
  });

  it('has a case for every documented route, and none for a route the API does not document', () => {
    expect(endpoints(fx).map((e) => e.name).sort()).toEqual([...ENDPOINT_NAMES].sort());
  });

  describe('property 1: a malformed request is a 400 in the envelope and writes nothing', () => {
    it.each(ENDPOINT_NAMES)('%s', async (name) => {
      const endpoint = endpoints(fx).find((e) => e.name === name)!;
      await check(
        fc.asyncProperty(malformed(endpoint), async (req) => {
          const before = await tableState(stack.db);
          const res = await call('1 malformed', req, endpoint.operator ? ADMIN_TOKEN : undefined, endpoint.agent ? fx.anchor : undefined);
          expectRefused(res, req, [400]);
          expect(await tableState(stack.db), `${endpoint.name} ${req.label} wrote`).toEqual(before);
        }),
        RUNS,
      );
    });

    it('answers the operator endpoints 400 or 401 without the token, and writes nothing', async () => {
      const operatorEndpoints = endpoints(fx).filter((e) => e.operator);
      const before = await tableState(stack.db);
      await check(
        fc.asyncProperty(
          fc.constantFrom(...operatorEndpoints).chain((e) => malformed(e)),
          fc.constantFrom<string | undefined>(undefined, '', 'wrong-token', `${ADMIN_TOKEN}\u00e9`),
          async (req, token) => {
            const res = await call('1 malformed, no operator token', req, token);
            expectRefused(res, req, [400, 401]);
          },
        ),
        RUNS * 2,
      );
      expect(await tableState(stack.db)).toEqual(before);
    });

    it("answers the agents' endpoints 400 or 401 without an agent's credentials, and writes nothing", async () => {
      const agentEndpoints = endpoints(fx).filter((e) => e.agent);
      const credentials = fc.constantFrom<Record<string, string> | undefined>(
        undefined,
        { 'x-auth-token': ADMIN_TOKEN },
        { 'x-user-id': fx.anchor['x-user-id'], 'x-auth-token': ADMIN_TOKEN },
        { 'x-user-id': fx.anchor['x-user-id'], 'x-auth-token': fx.idle['x-auth-token'] },
        { 'x-user-id': fx.idleAgent, 'x-auth-token': fx.anchor['x-auth-token'] },
        { 'x-user-id': fx.anchor['x-user-id'] },
        { 'x-user-id': '', 'x-auth-token': fx.anchor['x-auth-token'] },
        { 'x-user-id': 'x'.repeat(300), 'x-auth-token': fx.anchor['x-auth-token'] },
        { 'x-user-id': fx.anchor['x-user-id'], 'x-auth-token': wrongToken(fx.anchor['x-auth-token']) },
      );
      const before = await tableState(stack.db);
      await check(
        fc.asyncProperty(fc.constantFrom(...agentEndpoints).chain((e) => malformed(e)), credentials, async (req, agent) => {
          const res = await call('1 malformed, no agent credentials', req, undefined, agent);
          expectRefused(res, req, [400, 401]);
        }),
        RUNS * 2,
      );
      expect(await tableState(stack.db)).toEqual(before);
      // The anchor's token still works: nothing above revoked it.
      expect((await api.get('/api/v1/me', { headers: fx.anchor })).status).toBe(200);
    });
  });
  type Action = 'GET' | 'close' | 'history' | 'send' | 'get message' | 'edit' | 'delete';
  describe("property 4: a visitor token never reads or writes another visitor's room or its messages", () => {
    it("answers invalid-room for guessed rids and other visitors' rids, and the other rooms and their messages stay as they were", async () => {
      const visitors = [fx.a, fx.b, fx.c, fx.d, fx.q];
      const rooms = [fx.a, fx.b, fx.d, fx.q];
      const guessed = fc.string({ unit: fc.constantFrom(...ID_ALPHABET), minLength: 17, maxLength: 17 });
      // The other room's id as it is, and near misses of it (case, padding, truncation, one more character).
      const near = (rid: string) =>
        fc.constantFrom(rid, rid.toLowerCase(), rid.toUpperCase(), ` ${rid}`, `${rid} `, `${rid}\t`, rid.slice(1), `${rid}x`, `x${rid}`.slice(0, 17));
      const attempt = fc
        .tuple(fc.constantFrom(...visitors), fc.constantFrom<Action>('GET', 'close', 'history', 'send', 'get message', 'edit', 'delete'))
        .chain(([visitor, action]) =>
          fc.tuple(
            fc.constant(visitor),
            fc.constant(action),
            fc.oneof(
              guessed.map((rid) => ({ rid, whose: 'guessed' })),
              fc.constantFrom(...rooms.filter((r) => r.token !== visitor.token)).chain((other) => near(other.rid).map((rid) => ({ rid, whose: other.token }))),
            ),
          ),
        );
      const before = await tableState(stack.db);
      const json = (label: string, method: Method, path: string, body: unknown) => wire({ label, method, path, headers: JSON_CT, body: encodeBody(body) });
      const message = encodeAny(fx.message);
      const request = (action: Action, token: string, rid: string, whose: string): WireRequest => {
        switch (action) {
          case 'GET':
            return wire({ label: `GET with ${whose}'s rid`, method: 'GET', path: `${V}/room?${query([['token', token], ['rid', rid]])}` });
          case 'close':
            return json(`close ${whose}'s rid`, 'POST', `${V}/room.close`, { rid, token });
          case 'history':
            return wire({ label: `history of ${whose}'s rid`, method: 'GET', path: `${V}/messages.history/${encodeAny(rid)}?${query([['token', token]])}` });
          case 'send':
            return json(`send to ${whose}'s rid`, 'POST', `${V}/message`, { token, rid, msg: 'intrusion', _id: fx.message });
          case 'get message':
            return wire({ label: `A's message in ${whose}'s rid`, method: 'GET', path: `${V}/message/${message}?${query([['token', token], ['rid', rid]])}` });
          case 'edit':
            return json(`edit A's message in ${whose}'s rid`, 'PUT', `${V}/message/${message}`, { token, rid, msg: 'defaced' });
          case 'delete':
            return json(`delete A's message in ${whose}'s rid`, 'DELETE', `${V}/message/${message}`, { token, rid });
        }
      };
      await check(
        fc.asyncProperty(attempt, async ([visitor, action, { rid, whose }]) => {
          const req = request(action, visitor.token, rid, whose);
          const res = await call('4 access', req);
          expectRefused(res, req, [400]);
          expect(res.json, `${visitor.token} ${action} ${JSON.stringify(rid)}`).toEqual({ success: false, error: 'invalid-room' });
          expect(await tableState(stack.db), `${visitor.token} ${action} ${JSON.stringify(rid)} wrote`).toEqual(before);
        }),
        RUNS * 3,
      );
      for (const v of [fx.a, fx.b, fx.q]) {
        const res = await api.room({ token: v.token, rid: v.rid });
        expect(res.status).toBe(200);
        expect(res.body.room.open).toBe(true);
      }
    });
  });

  type AgentAction = 'send' | 'sync' | 'close' | 'list';
  describe('property 4: an agent never reads, writes or closes a room they do not serve', () => {
    it("answers an agent who serves nothing error-not-allowed for every room, guessed rid and near miss, and writes nothing", async () => {
      const rooms = [fx.a, fx.b, fx.d, fx.q];
      const guessed = fc.string({ unit: fc.constantFrom(...ID_ALPHABET), minLength: 17, maxLength: 17 });
      const near = (rid: string) =>
        fc.constantFrom(rid, rid.toLowerCase(), rid.toUpperCase(), ` ${rid}`, `${rid} `, `${rid}\t`, rid.slice(1), `${rid}x`, `x${rid}`.slice(0, 17));
      const attempt = fc.tuple(
        fc.constantFrom<AgentAction>('send', 'sync', 'close', 'list'),
        fc.oneof(guessed.map((rid) => ({ rid, whose: 'guessed' })), fc.constantFrom(...rooms).chain((r) => near(r.rid).map((rid) => ({ rid, whose: r.rid })))),
      );
      const json = (label: string, path: string, body: unknown) => wire({ label, method: 'POST', path, headers: JSON_CT, body: encodeBody(body) });
      const before = await tableState(stack.db);
      await check(
        fc.asyncProperty(attempt, async ([action, { rid, whose }]) => {
          const what = `${action} ${JSON.stringify(rid)} (${whose})`;
          switch (action) {
            case 'send': {
              const req = json(what, '/api/v1/chat.sendMessage', { message: { rid, msg: 'intrusion', _id: fx.message } });
              const res = await call('4 agent access', req, undefined, fx.idle);
              expectRefused(res, req, [403]);
              expect(res.json, what).toEqual({ success: false, error: 'error-not-allowed' });
              break;
            }
            case 'sync': {
              const req = wire({ label: what, method: 'GET', path: `/api/v1/chat.syncMessages?${query([['roomId', rid], ['lastUpdate', '2020-01-01T00:00:00.000Z']])}` });
              const res = await call('4 agent access', req, undefined, fx.idle);
              expectRefused(res, req, [403]);
              expect(res.json, what).toEqual({ success: false, error: 'error-not-allowed' });
              break;
            }
            case 'close': {
              const req = json(what, `${V}/room.closeByUser`, { rid, comment: 'hijacked' });
              const res = await call('4 agent access', req, undefined, fx.idle);
              expectRefused(res, req, [400]);
              expect(['error-not-authorized', 'error-invalid-room'], what).toContain((res.json as { error: string }).error);
              break;
            }
            case 'list': {
              const req = wire({ label: what, method: 'GET', path: `${V}/rooms?${query([['agents[]', fx.anchor['x-user-id']], ['agents[]', rid]])}` });
              const res = await call('4 agent access', req, undefined, fx.idle);
              expectRefused(res, req, [403]);
              break;
            }
          }
          expect(await tableState(stack.db), `${what} wrote`).toEqual(before);
        }),
        RUNS * 3,
      );
      const own = await api.get<{ total: number }>(`${V}/rooms`, { headers: fx.idle });
      expect(own.body).toMatchObject({ rooms: [], total: 0 });
    });
  });

  describe('property 2: odd but valid strings are stored verbatim, what cannot be stored is a 400', () => {
    const counts = async () => rowCounts(await tableState(stack.db));

    it('messages: odd text is stored and answered verbatim; what cannot be stored is a 400 that writes nothing', async () => {
      const texts = fc.oneof(
        { weight: 8, arbitrary: oddString.filter((v) => v.trim() !== '') },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 9_000, maxLength: 10_000 }).filter((v) => v.trim() !== '') },
        { weight: 1, arbitrary: fc.constantFrom(...BLANKS) },
      );
      await check(
        fc.asyncProperty(texts, async (text) => {
          const before = await tableState(stack.db);
          const req = wire({ label: 'send odd text', method: 'POST', path: `${V}/message`, headers: JSON_CT, body: encodeBody({ token: fx.b.token, rid: fx.b.rid, msg: text }) });
          const res = await call('2 odd strings, messages', req);
          if (text.trim() === '' || !storable(text, 10_000)) {
            expectRefused(res, req, [400]);
            expect(await tableState(stack.db), 'a refused message wrote').toEqual(before);
            return;
          }
          expect(res.status, res.text.slice(0, 300)).toBe(200);
          const sent = (res.json as { message: { _id: string; msg: string; md: unknown[] } }).message;
          expect(sent.msg).toBe(text);
          expect(sent.md.length).toBeGreaterThan(0);
          const [row] = await stack.db.query<{ msg: string }>('SELECT msg FROM rooms.messages WHERE id = $1', [sent._id]);
          expect(row.msg).toBe(text);
          const got = await call('2 odd strings, messages', wire({ label: 'read it back', method: 'GET', path: `${V}/message/${encodeAny(sent._id)}?${query([['token', fx.b.token], ['rid', fx.b.rid]])}` }));
          expect((got.json as { message: unknown }).message).toEqual(sent);
        }),
        RUNS,
      );
      expect(await missingTables(stack.db)).toEqual([]);
    });

    it('messages: markup the reference parser is slow on is answered in bounded time, and the service keeps answering meanwhile', async () => {
      // Unbroken runs of markup characters are quadratic in @rocket.chat/message-parser (10 000 '[' take
      // seconds): three at once, with a read of the same service beside them, all within the deadline.
      const slow = fc
        .tuple(fc.constantFrom('[', '_', '*', '~', '`', '![', 'a_', '_*', '[(', '**_', '<'), fc.integer({ min: 2_000, max: 10_000 }), fc.stringMatching(/^[a-z ]{0,4}$/))
        .map(([unit, n, tail]) => `${unit.repeat(Math.ceil(n / unit.length))}`.slice(0, n - tail.length) + tail)
        .filter((v) => v.trim() !== '' && storable(v, 10_000));
      await check(
        fc.asyncProperty(fc.array(slow, { minLength: 3, maxLength: 3 }), async (texts) => {
          const sends = texts.map((msg) =>
            call('2 slow markdown', wire({ label: `${msg.length} characters of ${JSON.stringify(msg.slice(0, 3))}`, method: 'POST', path: `${V}/message`, headers: JSON_CT, body: encodeBody({ token: fx.b.token, rid: fx.b.rid, msg }) })),
          );
          const probe = call('2 slow markdown', wire({ label: 'a read while they are parsed', method: 'GET', path: `${V}/visitor/${encodeAny(fx.c.token)}` }));
          const [replies, read] = await Promise.all([Promise.all(sends), probe]);
          expect(read.status, read.text.slice(0, 200)).toBe(200);
          replies.forEach((res, i) => {
            expect(res.status, res.text.slice(0, 200)).toBe(200);
            const message = (res.json as { message: { msg: string; md: { type: string; value: unknown }[] } }).message;
            expect(message.msg).toBe(texts[i]);
            // The reference's tree when the parser answered in time, else a plain paragraph of the text.
            expect(message.md.length).toBeGreaterThan(0);
            if (message.md.length === 1 && message.md[0].type === 'PARAGRAPH' && JSON.stringify(message.md[0].value) === JSON.stringify([{ type: 'PLAIN_TEXT', value: texts[i] }])) tally.add('2 slow markdown: plain paragraph', 200);
          });
        }),
        Math.max(4, Math.floor(RUNS / 6)),
        [[['['.repeat(10_000), '_'.repeat(10_000), 'a_'.repeat(5_000)]]],
      );
    });

    it('visitor endpoints: register, read, open, look up and close with injection, emoji, RTL and 256-character strings', async () => {
      // Storable strings everywhere, and now and then one that is not (NUL, lone surrogate, too long).
      type Strings = { token: string; name: string; email: string; username: string; key: string; value: string; rid: string; agentId: string };
      const stored = oddString.filter((v) => storable(v));
      const strings: fc.Arbitrary<Strings> = fc
        .tuple(
          fc.record({
            // GET livechat/visitor/:token could never ask for a visitor whose token is a dot segment.
            token: stored.filter((v) => v.trim() !== '' && !dotSegment(v)),
            name: stored,
            email: stored,
            username: stored,
            key: stored,
            value: fc.oneof(stored, fc.string({ unit: 'binary', minLength: 9_990, maxLength: 10_000 }).filter((v) => storable(v, 10_000))),
            rid: oddString,
            agentId: oddString,
          }),
          fc.oneof(
            { weight: 7, arbitrary: fc.constant(null) },
            {
              weight: 3,
              arbitrary: fc.tuple(
                fc.constantFrom<keyof Strings>('token', 'name', 'email', 'username', 'key', 'value'),
                oddString.filter((v) => !storable(v)),
                fc.constantFrom(...BLANKS),
              ),
            },
          ),
        )
        .map(([valid, spoil]) => {
          if (!spoil) return valid;
          const [field, bad, blank] = spoil;
          return { ...valid, [field]: field === 'token' && bad.length % 3 === 0 ? blank : field === 'value' ? `${bad}${'v'.repeat(10_000)}` : bad };
        });
      const EMOJI_256 = '😀'.repeat(256);
      await check(
        fc.asyncProperty(strings, async (s) => {
          const existing = await stack.db.query<{ id: string }>('SELECT id FROM rooms.visitors WHERE token = $1', [s.token.replace(/\0/g, '')]);
          const state = await tableState(stack.db);
          const register = wire({
            label: 'register',
            method: 'POST',
            path: `${V}/visitor`,
            headers: JSON_CT,
            body: encodeBody({
              visitor: { token: s.token, name: s.name, email: s.email, username: s.username, customFields: [{ key: s.key, value: s.value, overwrite: true }] },
            }),
          });
          const res = await call('2 odd strings, visitor', register);
          const acceptable =
            s.token.trim() !== '' && [s.token, s.name, s.email, s.username, s.key].every((v) => storable(v)) && storable(s.value, 10_000);
          if (!acceptable) {
            expectRefused(res, register, [400]);
            expect(await tableState(stack.db), 'a refused registration wrote').toEqual(state);
            return;
          }
          expect(res.status, res.text.slice(0, 300)).toBe(200);
          const visitor = (res.json as { visitor: Record<string, any> }).visitor;
          expect(visitor).toMatchObject({ token: s.token, name: s.name, username: s.username, visitorEmails: [{ address: s.email }] });
          const [row] = await stack.db.query<{ name: string; email: string; custom: string }>(
            'SELECT name, email, livechat_data ->> $2 AS custom FROM rooms.visitors WHERE token = $1',
            [s.token, s.key],
          );
          expect(row).toEqual({ name: s.name, email: s.email, custom: s.value });
          expect(await counts()).toEqual({ ...rowCounts(state), 'rooms.visitors': rowCounts(state)['rooms.visitors'] + (existing.length ? 0 : 1) });

          const read = wire({ label: 'read', method: 'GET', path: `${V}/visitor/${encodeAny(s.token)}` });
          const readRes = await call('2 odd strings, visitor', read);
          expect(readRes.status, readRes.text.slice(0, 300)).toBe(200);
          expect((readRes.json as { visitor: Record<string, any> }).visitor).toMatchObject({ _id: visitor._id, token: s.token, name: s.name });

          const hadRoom = (await stack.db.query('SELECT 1 FROM rooms.rooms WHERE visitor_token = $1 AND open', [s.token])).length > 0;
          const before = await counts();
          const open = wire({ label: 'open', method: 'GET', path: `${V}/room?${query([['token', s.token]])}` });
          const openRes = await call('2 odd strings, visitor', open);
          expect(openRes.status, openRes.text.slice(0, 300)).toBe(200);
          const { room, newRoom } = openRes.json as { room: Record<string, any>; newRoom: boolean };
          expect(newRoom).toBe(!hadRoom);
          expect(room).toMatchObject({ fname: s.name, v: { token: s.token } });
          expect((await counts())['rooms.rooms']).toBe(before['rooms.rooms'] + (hadRoom ? 0 : 1));
          // routing records the new room from room.opened, asynchronously: one inquiry per room.
          await expectEventually(async () => expect(await stack.db.query('SELECT 1 FROM routing.inquiries WHERE room_id = $1', [room._id])).toHaveLength(1));
          expect((await counts())['routing.inquiries']).toBe(before['routing.inquiries'] + (hadRoom ? 0 : 1));
          // ...and routes it to the available agent; rooms records servedBy, asynchronously too. Waited
          // for here, so that the next case's before/after snapshots do not catch it landing.
          await expectEventually(async () =>
            expect(await stack.db.query('SELECT 1 FROM rooms.rooms WHERE id = $1 AND served_by_id IS NOT NULL', [room._id])).toHaveLength(1),
          );

          const withAgent = wire({ label: 'agentId', method: 'GET', path: `${V}/room?${query([['token', s.token], ['agentId', s.agentId]])}` });
          const agentRes = await call('2 odd strings, visitor', withAgent);
          if (storable(s.agentId)) {
            expect(agentRes.status, agentRes.text.slice(0, 300)).toBe(200);
            expect((agentRes.json as { room: { _id: string } }).room._id).toBe(room._id);
          } else expectRefused(agentRes, withAgent, [400]);

          // The anchor agent serves the room, asynchronously, writing its uj message: wait for it before comparing.
          await expectEventually(async () =>
            expect(await stack.db.query(`SELECT 1 FROM rooms.messages WHERE rid = $1 AND t = 'uj'`, [room._id])).toHaveLength(1),
          );
          const settled = await tableState(stack.db);
          for (const req of [
            wire({ label: 'look up an odd rid', method: 'GET', path: `${V}/room?${query([['token', s.token], ['rid', s.rid]])}` }),
            wire({ label: 'close an odd rid', method: 'POST', path: `${V}/room.close`, headers: JSON_CT, body: encodeBody({ rid: s.rid, token: s.token }) }),
          ]) {
            const refused = await call('2 odd strings, visitor', req);
            expectRefused(refused, req, [400]);
            if (storable(s.rid)) expect(refused.json).toEqual({ success: false, error: 'invalid-room' });
          }
          expect(rowCounts(await tableState(stack.db))).toEqual(rowCounts(settled));
        }),
        RUNS + 20,
        [
          [{ token: EMOJI_256, name: EMOJI_256, email: EMOJI_256, username: EMOJI_256, key: EMOJI_256, value: '😀'.repeat(10_000), rid: EMOJI_256, agentId: EMOJI_256 }],
          [
            {
              token: "'; DROP TABLE rooms.visitors; --",
              name: 'Robert"); DROP TABLE Students;--',
              email: "' OR '1'='1",
              username: '\u202Eevil',
              key: '{"$gt": ""}',
              value: '","success":true,"x":"',
              rid: "' OR '1'='1",
              agentId: '%',
            },
          ],
        ],
      );
      expect(await missingTables(stack.db)).toEqual([]);
    });

    it('operator endpoints: names, ids and values with injection, emoji, RTL and 256-character strings', async () => {
      type Kind = (typeof KINDS)[number];
      const KINDS = [
        'agent',
        'new department',
        'rename department',
        'setting id',
        'setting value',
        'queued',
        'agent.status',
        'status message',
        'take',
        'get agent',
        'delete agent',
        'get visitor',
      ] as const;
      const op = (label: string, method: Method, path: string, body?: unknown) =>
        wire({ label, method, path, headers: body === undefined ? {} : JSON_CT, body: body === undefined ? undefined : encodeBody(body) });
      await check(
        fc.asyncProperty(fc.constantFrom(...KINDS), oddString, oddString, async (kind: Kind, s1, s2) => {
          const state = await tableState(stack.db);
          const unchanged = async () => {
            expect(rowCounts(await tableState(stack.db)), `${kind} changed the row counts`).toEqual(rowCounts(state));
          };
          const ok1 = storable(s1) && s1 !== '';
          switch (kind) {
            case 'agent': {
              const existed = (await stack.db.query('SELECT 1 FROM routing.agents WHERE username = $1', [s1.replace(/\0/g, '')])).length > 0;
              const req = op(kind, 'POST', `${V}/users/agent`, { username: s1, name: s2 });
              const res = await call('2 odd strings, operator', req, ADMIN_TOKEN);
              if (!(ok1 && storable(s2))) return (expectRefused(res, req, [400]), unchanged());
              expect(res.status, res.text.slice(0, 300)).toBe(200);
              const user = (res.json as { user: { _id: string; username: string } }).user;
              expect(user.username).toBe(s1);
              const got = await call('2 odd strings, operator', op('get agent', 'GET', `${V}/users/agent/${encodeAny(user._id)}`), ADMIN_TOKEN);
              expect((got.json as { user: Record<string, unknown> }).user).toMatchObject({ _id: user._id, username: s1, name: s2 });
              expect(rowCounts(await tableState(stack.db))).toEqual({ ...rowCounts(state), 'routing.agents': state['routing.agents'].rows + (existed ? 0 : 1) });
              return;
            }
            case 'new department':
            case 'rename department': {
              const [taken] = await stack.db.query<{ id: string }>('SELECT id FROM routing.departments WHERE name = $1', [s1.replace(/\0/g, '')]);
              const creating = kind === 'new department';
              const path = creating ? `${V}/department` : `${V}/department/${fx.renamedDepartment}`;
              const req = op(kind, creating ? 'POST' : 'PUT', path, { department: { name: s1, enabled: false, showOnRegistration: false } });
              const res = await call('2 odd strings, operator', req, ADMIN_TOKEN);
              if (!ok1 || (taken && (creating || taken.id !== fx.renamedDepartment))) return (expectRefused(res, req, [400]), unchanged());
              expect(res.status, res.text.slice(0, 300)).toBe(200);
              expect((res.json as { department: { name: string } }).department.name).toBe(s1);
              const { _id } = (res.json as { department: { _id: string } }).department;
              const [row] = await stack.db.query<{ name: string }>('SELECT name FROM routing.departments WHERE id = $1', [_id]);
              expect(row.name).toBe(s1);
              expect(rowCounts(await tableState(stack.db))).toEqual({ ...rowCounts(state), 'routing.departments': state['routing.departments'].rows + (creating ? 1 : 0) });
              return;
            }
            case 'setting id':
            case 'setting value': {
              const req =
                kind === 'setting id'
                  ? op(kind, 'POST', `/api/v1/settings/${encodeAny(s1)}`, { value: true })
                  : op(kind, 'POST', '/api/v1/settings/Livechat_Routing_Method', { value: s1 });
              expectRefused(await call('2 odd strings, operator', req, ADMIN_TOKEN), req, [400]);
              return unchanged();
            }
            case 'queued': {
              const req = op(kind, 'GET', `${V}/inquiries.queued?${query([['department', s1]])}`);
              const res = await call('2 odd strings, operator', req, ADMIN_TOKEN);
              if (!storable(s1)) expectRefused(res, req, [400]);
              else expect(res.json).toEqual({ inquiries: [], success: true });
              return unchanged();
            }
            case 'agent.status': {
              const req = op(kind, 'POST', `${V}/agent.status`, { agentId: s1, status: 'available' });
              const res = await call('2 odd strings, operator', req, ADMIN_TOKEN);
              expectRefused(res, req, ok1 ? [404] : [400]);
              return unchanged();
            }
            case 'status message': {
              const req = op(kind, 'POST', '/api/v1/users.setStatus', { userId: fx.targetAgent, status: 'online', message: s1 });
              const res = await call('2 odd strings, operator', req, ADMIN_TOKEN);
              if (!storable(s1)) expectRefused(res, req, [400]);
              else expect(res.status, res.text.slice(0, 300)).toBe(200);
              return unchanged();
            }
            case 'take': {
              const req = op(kind, 'POST', `${V}/inquiries.take`, { inquiryId: s1, userId: s2 });
              expectRefused(await call('2 odd strings, operator', req, ADMIN_TOKEN), req, ok1 && storable(s2) ? [400, 404] : [400]);
              return unchanged();
            }
            case 'get agent':
            case 'delete agent': {
              const req = op(kind, kind === 'get agent' ? 'GET' : 'DELETE', `${V}/users/agent/${encodeAny(s1)}`);
              const res = await call('2 odd strings, operator', req, ADMIN_TOKEN);
              if (!ok1) expectRefused(res, req, [400]);
              else if (kind === 'get agent') expect(res.json).toEqual({ user: null, success: true });
              else expectRefused(res, req, [404]);
              return unchanged();
            }
            case 'get visitor': {
              const req = op(kind, 'GET', `${V}/visitor/${encodeAny(s1)}`);
              const res = await call('2 odd strings, operator', req);
              const known = ok1 && (await stack.db.query('SELECT 1 FROM rooms.visitors WHERE token = $1', [s1])).length > 0;
              if (dotSegment(s1)) expectRefused(res, req, [400, 404]); // the path reached another route
              else if (known) expect((res.json as { visitor: { token: string } }).visitor.token).toBe(s1);
              else expectRefused(res, req, [400]);
              return unchanged();
            }
          }
        }),
        RUNS * 3,
      );
      expect(await missingTables(stack.db)).toEqual([]);
    });
  });

  describe('property 3: no answer shows a stack trace, SQL, a file path or an internal error class', () => {
    it('answers every error, malformed or refused by a service, with a clean envelope', async () => {
      const all = endpoints(fx);
      const get = (label: string, path: string, method: Method = 'GET') => wire({ label, method, path });
      const post = (label: string, path: string, body: unknown, method: Method = 'POST') =>
        wire({ label, method, path, headers: JSON_CT, body: encodeBody(body) });
      const asAgent = (agent: Record<string, string>, req: WireRequest): WireRequest => wire({ ...req, headers: { ...req.headers, ...agent } });
      const dept = (name: string, extra: Record<string, unknown> = {}) => ({ department: { name, enabled: true, showOnRegistration: false, ...extra } });
      const domainErrors: WireRequest[] = [
        get('unknown visitor', `${V}/visitor/nobody-has-this`),
        get('unknown token', `${V}/room?token=nobody-has-this`),
        post('unknown department on a visitor', `${V}/visitor`, { visitor: { token: 'p3-visitor', department: 'no-such-department' } }),
        post('close: unknown token', `${V}/room.close`, { rid: fx.a.rid, token: 'nobody-has-this' }),
        post('close: closed room', `${V}/room.close`, { rid: fx.d.rid, token: fx.d.token }),
        get('closed rid', `${V}/room?${query([['token', fx.d.token], ['rid', fx.d.rid]])}`),
        post('unknown agent status', `${V}/agent.status`, { agentId: 'no-such-agent', status: 'available' }),
        post('unknown agent presence', '/api/v1/users.setStatus', { userId: 'no-such-agent', status: 'away' }),
        get('delete unknown agent', `${V}/users/agent/no-such-agent`, 'DELETE'),
        post('take unknown inquiry', `${V}/inquiries.take`, { inquiryId: 'no-such-inquiry', userId: fx.anchorAgent }),
        post('duplicate department', `${V}/department`, dept('Hostile Base')),
        post('department with unknown agent', `${V}/department`, { ...dept('P3 Dept'), agents: [{ agentId: 'no-such-agent' }] }),
        post('unknown fallback', `${V}/department`, dept('P3 Dept', { fallbackForwardDepartment: 'nope' })),
        post('own fallback', `${V}/department/${fx.department}`, dept('Hostile Base', { fallbackForwardDepartment: fx.department }), 'PUT'),
        post('update unknown department', `${V}/department/no-such-department`, dept('P3 Ghost'), 'PUT'),
        post('unknown setting', '/api/v1/settings/No_Such_Setting', { value: true }),
        post('setting of the wrong type', '/api/v1/settings/Livechat_enabled', { value: 'yes' }),
        post('setting out of range', '/api/v1/settings/Livechat_maximum_chats_per_agent', { value: 1e300 }),
        get('unknown route', '/api/v1/nothing-here'),
        get('unknown route under a known one', `${V}/room/extra`),
        get('PATCH a known route', `${V}/visitor`, 'PATCH'),
        get('OPTIONS a known route', `${V}/room.close`, 'OPTIONS'),
        post('POST a GET route', `${V}/room`, { token: fx.a.token }),
        post('message to a closed room', `${V}/message`, { token: fx.d.token, rid: fx.d.rid, msg: 'late' }),
        post('message with a taken _id', `${V}/message`, { token: fx.b.token, rid: fx.b.rid, msg: 'x', _id: fx.message }),
        post('message too long', `${V}/message`, { token: fx.a.token, rid: fx.a.rid, msg: 'x'.repeat(10_001) }),
        get('history without a token', `${V}/messages.history/${fx.a.rid}`),
        get('unknown message', `${V}/message/no-such-message?${query([['token', fx.a.token], ['rid', fx.a.rid]])}`),
        post("edit another's message", `${V}/message/${fx.message}`, { token: fx.b.token, rid: fx.a.rid, msg: 'x' }, 'PUT'),
        post('delete in a closed room', `${V}/message/${fx.message}`, { token: fx.d.token, rid: fx.d.rid }, 'DELETE'),
        post('token for an unknown agent', '/api/v1/users.createToken', { userId: 'no-such-agent' }),
        get('agent.info: unknown token', `${V}/agent.info/${fx.a.rid}/nobody-has-this`),
        get("agent.info: another visitor's room", `${V}/agent.info/${fx.b.rid}/${encodeAny(fx.a.token)}`),
        get('agent.info: a waiting room', `${V}/agent.info/${fx.q.rid}/${encodeAny(fx.q.token)}`),
        asAgent(fx.idle, post("send into another agent's room", '/api/v1/chat.sendMessage', { message: { rid: fx.a.rid, msg: 'x' } })),
        asAgent(fx.anchor, post('send into a closed room', '/api/v1/chat.sendMessage', { message: { rid: fx.d.rid, msg: 'x' } })),
        asAgent(fx.anchor, post('send with a taken _id', '/api/v1/chat.sendMessage', { message: { rid: fx.a.rid, msg: 'x', _id: fx.message } })),
        asAgent(fx.idle, get("sync another agent's room", `/api/v1/chat.syncMessages?roomId=${fx.a.rid}&lastUpdate=2020-01-01T00:00:00.000Z`)),
        asAgent(fx.anchor, get('sync without lastUpdate', `/api/v1/chat.syncMessages?roomId=${fx.a.rid}`)),
        asAgent(fx.idle, post("close another agent's room", `${V}/room.closeByUser`, { rid: fx.a.rid })),
        asAgent(fx.anchor, post('close a closed room', `${V}/room.closeByUser`, { rid: fx.d.rid })),
        asAgent(fx.idle, get("another agent's rooms", `${V}/rooms?agents[]=${fx.anchor['x-user-id']}`)),
        asAgent(fx.idle, post("another agent's availability", `${V}/agent.status`, { status: 'available', agentId: fx.anchor['x-user-id'] })),
        asAgent(fx.idle, post('an operator endpoint', `${V}/users/agent`, { username: 'p3-never' })),
      ];
      const anyRequest = fc.oneof(
        fc.constantFrom(...domainErrors).map((req) => ({ req, token: true, agent: false })),
        fc.constantFrom(...all).chain((e) => fc.tuple(fc.constant(e), malformed(e), fc.boolean())).map(([e, req, token]) => ({ req, token, agent: token && e.agent })),
      );
      await check(
        fc.asyncProperty(anyRequest, async ({ req, token, agent }) => {
          const res = await call('3 no leaks', req, token ? ADMIN_TOKEN : undefined, agent ? fx.anchor : undefined);
          expect(res.status, `${req.label}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) expect(failureProblem(res, req), `${req.label}: ${res.text.slice(0, 300)}`).toBeNull();
        }),
        RUNS * 4,
      );
      // Every domain error was sent at least once.
      for (const req of domainErrors) {
        const res = await call('3 no leaks', req, ADMIN_TOKEN);
        expect(res.status, `${req.label}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${req.label}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        expect(failureProblem(res, req), `${req.label}: ${res.text.slice(0, 300)}`).toBeNull();
      }
    });
  });
});
