import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import type { TestDatabase } from '../../../harness/database.js';

/**
 * Support for the hostile-input suite (docs/guarantees.md#6-bad-input-changes-nothing): a raw HTTP client that can send any bytes with a
 * deadline, bodies with raw fragments spliced in (invalid UTF-8, 10 000 levels of nesting), the
 * envelope and leak checks, and a digest of every table a request could write.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';

/** One request as it goes on the wire: `path` is already percent-encoded, `body` is bytes. */
export interface WireRequest {
  /** What is hostile about it, for the failure report. */
  label: string;
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Stream the body without a content-length (chunked), as a client that does not know its size. */
  chunked?: boolean;
}

export interface WireResponse {
  status: number;
  contentType: string;
  text: string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json: unknown;
  /**
   * The server closed the connection while the body was still being sent, before its answer could
   * be read (status 0): how a server may refuse a body too large to take (RFC 9112 §9.6).
   */
  closedWhileSending?: boolean;
}

export const REQUEST_TIMEOUT_MS = 5_000;

/** A request, printed short in fast-check's counterexamples (bodies may be over 1 MiB). */
export function wire(request: Omit<WireRequest, 'headers'> & { headers?: Record<string, string> }): WireRequest {
  const built: WireRequest = { ...request, headers: request.headers ?? {} };
  Object.defineProperty(built, fc.toStringMethod, {
    enumerable: false,
    value: () => {
      const body = built.body ? ` body(${built.body.length} B)=${JSON.stringify(built.body.subarray(0, 300).toString('latin1'))}` : '';
      return `[${built.label}] ${built.method} ${built.path.slice(0, 300)}${built.path.length > 300 ? '…' : ''} ${JSON.stringify(built.headers)}${body}`;
    },
  });
  return built;
}

/**
 * Sends one request with node:http (no connection reuse) and a hard deadline: no answer within
 * REQUEST_TIMEOUT_MS is a failure ("never a hang"). A server may answer a body over its limit before
 * reading it and close the connection while we still write: the answer counts, the write error after
 * it does not. So a large body with a content-length waits for such an early answer before it is sent,
 * and a body is written in small chunks, yielding between them so that an answer is read at once.
 */
export function send(baseUrl: string, req: WireRequest): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body && !req.chunked) headers['content-length'] = req.body.length;
    // Node's client frames a body in chunks by itself for POST and PUT only: a DELETE (or PATCH…) body
    // without a length would go out unframed, and the server would read it as the next request.
    if (req.body && req.chunked) headers['transfer-encoding'] = 'chunked';
    let status = 0;
    let contentType = '';
    const chunks: Buffer[] = [];
    let settled = false;
    let sending = true;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (error && sending && status === 0 && (code === 'EPIPE' || code === 'ECONNRESET')) {
        return resolve({ status: 0, contentType: '', text: '', json: undefined, closedWhileSending: true });
      }
      if (error) return reject(error);
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status, contentType, text, json });
    };
    const client = httpRequest(`${baseUrl}${req.path}`, { method: req.method, headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle());
      // The connection may be reset right after a complete answer (we were still writing).
      res.on('close', () => settle(res.complete ? undefined : new Error(`answer cut off after ${Buffer.concat(chunks).length} bytes`)));
    });
    const timer = setTimeout(() => settle(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms: ${req.label}`)), REQUEST_TIMEOUT_MS);
    client.on('error', (error) => {
      if (status === 0) settle(error);
    });
    void writeBody().catch(() => undefined);

    async function writeBody(): Promise<void> {
      client.flushHeaders();
      const body = req.body;
      if (body && body.length > 256 * 1024 && !req.chunked) {
        // Answered from the content-length alone? Then the body is never sent.
        for (let waited = 0; waited < 2_000 && status === 0 && !settled; waited += 10) await sleep(10);
      }
      if (body) {
        for (let offset = 0; offset < body.length && status === 0 && !settled; offset += 16 * 1024) {
          await new Promise<void>((done) => client.write(body.subarray(offset, offset + 16 * 1024), () => done()));
          await new Promise<void>((done) => setImmediate(done));
        }
      }
      if (status === 0 && !settled) client.end();
      sending = false;
    }
  });
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** A raw JSON fragment spliced into a body where a value belongs: bytes JSON.stringify cannot make. */
export class RawJson {
  constructor(
    readonly bytes: Buffer,
    readonly what: string,
  ) {}

  toString(): string {
    return `RawJson(${this.what})`;
  }
}

/** Serialises a body, splicing in RawJson fragments as they are. */
export function encodeBody(value: unknown): Buffer {
  const raws: RawJson[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `\u0001${raws.push(v) - 1}\u0001` : v));
  if (text === undefined) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(/"\\u0001(\d+)\\u0001"/g)) {
    parts.push(Buffer.from(text.slice(last, match.index), 'utf8'), raws[Number(match[1])].bytes);
    last = match.index + match[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** `depth` nested arrays or objects, as JSON text: far deeper than JSON.stringify could write. */
export function nested(depth: number, shape: 'array' | 'object'): RawJson {
  const text = shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return new RawJson(Buffer.from(text), `${depth} nested ${shape}s`);
}

/** A JSON string whose content has `bytes` (not UTF-8) between two ASCII parts. */
export function stringWithBytes(before: string, bytes: Uint8Array, after: string): RawJson {
  return new RawJson(
    Buffer.concat([Buffer.from(`"${before}`), Buffer.from(bytes), Buffer.from(`${after}"`)]),
    `string with bytes ${Buffer.from(bytes).toString('hex')}`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Byte sequences that are not UTF-8: overlong forms, surrogates, truncations, stray continuations. */
export const INVALID_UTF8: number[][] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xbf],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

export const invalidUtf8Bytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(...INVALID_UTF8).map((bytes) => Uint8Array.from(bytes)),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).filter((bytes) => !isUtf8(bytes)),
);

/** Percent-encodings that do not decode to UTF-8 (or do not decode at all). */
export const BAD_PERCENT = ['%', '%F', '%G0', '%zz', '%FF', '%C3%28', '%C0%AF', '%E0%80%80', '%ED%A0%80', '%F4%90%80%80', '%80', '%E2%82', '%%41'];

/** The length class-validator's MaxLength measures (validator.js isLength): surrogate pairs and variation selectors count 0 extra. */
export function validatorLength(value: string): number {
  const pairs = value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  const selectors = value.match(/[\uFE0E\uFE0F]/g)?.length ?? 0;
  return value.length - pairs - selectors;
}

/** Every table a request could write, and an md5 of its rows: equal digests mean nothing was written. */
export const TABLES = [
  'rooms.visitors',
  'rooms.rooms',
  'rooms.messages',
  'routing.agents',
  'routing.departments',
  'routing.department_agents',
  'routing.settings',
  'routing.inquiries',
  'routing.agent_tokens',
] as const;

export type TableState = Record<(typeof TABLES)[number], { rows: number; digest: string }>;

export async function tableState(db: TestDatabase): Promise<TableState> {
  const sql = TABLES.map(
    (table) =>
      `SELECT '${table}' AS name, count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`,
  ).join(' UNION ALL ');
  const rows = await db.query<{ name: (typeof TABLES)[number]; rows: number; digest: string }>(sql);
  return Object.fromEntries(rows.map((r) => [r.name, { rows: r.rows, digest: r.digest }])) as TableState;
}

export function rowCounts(state: TableState): Record<string, number> {
  return Object.fromEntries(Object.entries(state).map(([name, s]) => [name, s.rows]));
}

/** The tables are all still there (no injection dropped or renamed one). */
export async function missingTables(db: TestDatabase): Promise<string[]> {
  const rows = await db.query<{ name: string; oid: string | null }>(
    `SELECT name, to_regclass(name)::text AS oid FROM unnest($1::text[]) AS name`,
    [[...TABLES, 'rooms.outbox', 'routing.outbox']],
  );
  return rows.filter((r) => r.oid === null).map((r) => r.name);
}

/** What an error body must not show: stack frames, source files, SQL, internal error classes. */
const LEAKS: RegExp[] = [
  /\bat [\w$.<>\[\] ]+ \(/, // a stack frame "at fn ("
  /\n\s*at /,
  /\.[cm]?[jt]s:\d+/, // file.ts:12
  /node_modules|node:internal|\/work\/|\/dist\/|file:\/\//,
  /\b(SELECT|INSERT|UPDATE|DELETE)\s.*\b(FROM|INTO|SET|WHERE)\b/i,
  /relation "|violates|duplicate key|syntax error at or near|invalid byte sequence|invalid input syntax|unsupported Unicode escape/,
  /\b(QueryFailedError|TypeORMError|EntityNotFoundError|RpcException|TypeError|RangeError|SyntaxError|ReferenceError|HttpException|BadRequestException)\b/,
  /\bFST_ERR_\w+|\bERR_\w+|\bHPE_\w+/,
  /Maximum call stack|Cannot read propert/,
];

/**
 * Why an error answer breaks docs/api.md#conventions or leaks internals, or null. Text the request itself carried
 * (an unknown key named in "unknown parameter '…'") is not a leak.
 */
export function failureProblem(res: WireResponse, req: WireRequest): string | null {
  if (!res.contentType.startsWith('application/json')) return `content-type ${res.contentType}`;
  const body = res.json as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return `not a JSON object: ${res.text.slice(0, 200)}`;
  if (body.success !== false) return `success is ${String(body.success)}`;
  if (typeof body.error !== 'string' || body.error === '') return 'error is not a non-empty string';
  if ('errorType' in body && typeof body.errorType !== 'string') return 'errorType is not a string';
  const extra = Object.keys(body).filter((k) => !['success', 'error', 'errorType'].includes(k));
  if (extra.length > 0) return `extra keys ${extra.join(', ')}`;
  if (/internal-error/.test(body.error)) return `an internal error: ${body.error}`;
  const sent = `${safeDecode(req.path)} ${req.path} ${req.body?.toString('utf8') ?? ''}`;
  for (const pattern of LEAKS) {
    const found = res.text.match(pattern);
    if (found && !sent.includes(found[0])) return `leaks ${JSON.stringify(found[0])}: ${res.text.slice(0, 300)}`;
  }
  return null;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Counts what a property sent and what came back, for the summary. */
export class Tally {
  readonly byProperty = new Map<string, Map<number, number>>();

  add(property: string, status: number): void {
    const statuses = this.byProperty.get(property) ?? new Map<number, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    this.byProperty.set(property, statuses);
  }

  summary(): string {
    return [...this.byProperty]
      .map(([property, statuses]) => {
        const total = [...statuses.values()].reduce((a, b) => a + b, 0);
        const detail = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
        return `${property}: ${total} requests (${detail})`;
      })
      .join('\n');
  }
}
