import { connect } from 'node:net';
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const ID = /^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('visitor endpoints', () => {
  let stack: TestStack;
  let api: Api;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    // Rooms open only while an agent is online (docs/api.md#getting-or-opening-a-room); routing itself is tested in routing.e2e-spec.ts.
    await api.createAgent('agent.online');
  });
  afterAll(() => stack?.stop());

  const countVisitors = async () => Number((await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM rooms.visitors'))[0].n);

  it('creates a visitor with a guest username, status online and documented ids and dates', async () => {
    const res = await api.registerVisitor({ token: 'v-create', name: 'Mary', email: 'mary@example.com', phone: '+100' });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const v = res.body.visitor;
    expect(v).toMatchObject({
      token: 'v-create',
      name: 'Mary',
      status: 'online',
      visitorEmails: [{ address: 'mary@example.com' }],
      phone: [{ phoneNumber: '+100' }],
    });
    expect(v._id).toMatch(ID);
    expect(v.username).toMatch(/^guest-\d+$/);
    expect(v.ts).toMatch(ISO);
    expect(v._updatedAt).toMatch(ISO);
    expect(v).not.toHaveProperty('department');
  });

  it('updates the visitor that has the token and keeps its id and username', async () => {
    const first = await api.registerVisitor({ token: 'v-update', name: 'Before' });
    const second = await api.registerVisitor({ token: 'v-update', name: 'After', email: 'a@example.com' });
    expect(second.status).toBe(200);
    expect(second.body.visitor._id).toBe(first.body.visitor._id);
    expect(second.body.visitor.username).toBe(first.body.visitor.username);
    expect(second.body.visitor).toMatchObject({ name: 'After', visitorEmails: [{ address: 'a@example.com' }] });
  });

  it('uses the given username', async () => {
    const res = await api.registerVisitor({ token: 'v-username', username: 'mary.smith' });
    expect(res.body.visitor.username).toBe('mary.smith');
  });

  it('answers the visitor by token', async () => {
    const created = await api.registerVisitor({ token: 'v-get', name: 'Get Me' });
    const res = await api.get<{ visitor: Record<string, unknown> }>('/api/v1/livechat/visitor/v-get');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ visitor: created.body.visitor, success: true });
  });

  it('answers [invalid-token] for an unknown token', async () => {
    const res = await api.get('/api/v1/livechat/visitor/nobody-has-this');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: '[invalid-token]', errorType: 'invalid-token' });
  });

  it('keeps the existing visitor and token when a new token comes with a known phone', async () => {
    const original = await api.registerVisitor({ token: 'v-phone-1', phone: '+5511999' });
    const again = await api.registerVisitor({ token: 'v-phone-2', phone: '+5511999', name: 'Phone Match' });
    expect(again.status).toBe(200);
    expect(again.body.visitor._id).toBe(original.body.visitor._id);
    expect(again.body.visitor.token).toBe('v-phone-1');
    expect(again.body.visitor.name).toBe('Phone Match');
  });

  it('answers the same visitor to 20 parallel registrations of one token', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => api.registerVisitor({ token: 'v-parallel', name: `n${i}` })));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(replies.map((r) => r.body.visitor._id)).size).toBe(1);
    const rows = await stack.db.query(`SELECT id FROM rooms.visitors WHERE token = 'v-parallel'`);
    expect(rows).toHaveLength(1);
  });

  it('copies a name change into the open room', async () => {
    await api.registerVisitor({ token: 'v-rename', name: 'Old Name' });
    const opened = await api.room({ token: 'v-rename' });
    expect(opened.body.room.fname).toBe('Old Name');
    await api.registerVisitor({ token: 'v-rename', name: 'New Name' });
    const again = await api.room({ token: 'v-rename' });
    expect(again.body.room.fname).toBe('New Name');
  });

  it.each([
    ['an empty token', { visitor: { token: '' } }, 'Token cannot be empty [error-invalid-token]'],
    ['a blank token', { visitor: { token: '   ' } }, 'Token cannot be empty [error-invalid-token]'],
  ])('refuses %s with error-invalid-token', async (_label, body, error) => {
    const res = await api.post('/api/v1/livechat/visitor', body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error, errorType: 'error-invalid-token' });
  });

  it.each([
    ['no visitor', {}],
    ['no token', { visitor: { name: 'x' } }],
    ['a number token', { visitor: { token: 42 } }],
    ['an array token', { visitor: { token: ['a', 'b'] } }],
    ['an object token', { visitor: { token: { $ne: 1 } } }],
    ['a string visitor', { visitor: 'token' }],
    ['a too long token', { visitor: { token: 'x'.repeat(257) } }],
    ['a too long name', { visitor: { token: 'v-long-name', name: 'x'.repeat(257) } }],
    ['a non-string name', { visitor: { token: 'v-bad-name', name: 7 } }],
    ['a bad custom field', { visitor: { token: 'v-bad-cf', customFields: [{ key: 1 }] } }],
    ['an array body', [{ visitor: { token: 'v-array' } }]],
  ])('answers 400 and writes nothing for %s', async (_label, body) => {
    const before = await countVisitors();
    const res = await api.post('/api/v1/livechat/visitor', body);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(typeof res.body.error).toBe('string');
    expect(await countVisitors()).toBe(before);
  });

  it('answers 400 for a body that is not JSON, and for one over 1 MiB', async () => {
    const notJson = await api.request('POST', '/api/v1/livechat/visitor', {
      rawBody: '{"visitor": {',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.success).toBe(false);
    const huge = await api.request('POST', '/api/v1/livechat/visitor', {
      rawBody: JSON.stringify({ visitor: { token: 'v-huge', name: 'x'.repeat(1024 * 1024) } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(400);
    expect(huge.body.success).toBe(false);
    expect(await stack.db.query(`SELECT 1 FROM rooms.visitors WHERE token = 'v-huge'`)).toHaveLength(0);
  });

  it.each([
    ['2 MiB', 2, 'application/json'],
    ['8 MiB', 8, 'application/json'],
    ['32 MiB', 32, 'application/json'],
    ['8 MiB of text/plain', 8, 'text/plain'],
  ] as const)(
    "answers a %s body to Node's fetch while it is still sending it (no EPIPE), and the connection serves on",
    async (_label, mebibytes, contentType) => {
      // fetch keeps sending while the answer comes: the gateway must read and drop the rest rather than close
      // the connection under it (before, fetch failed with EPIPE for bodies a few MiB over the limit).
      const body = JSON.stringify({ visitor: { token: `v-huge-${mebibytes}`, name: 'x'.repeat(mebibytes * 1024 * 1024) } });
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const res = await fetch(`${stack.baseUrl}/api/v1/livechat/visitor`, { method: 'POST', headers: { 'content-type': contentType }, body });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ success: false, error: expect.any(String) });
        expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
      }
      expect(await stack.db.query(`SELECT 1 FROM rooms.visitors WHERE token LIKE 'v-huge-%'`)).toHaveLength(0);
    },
  );

  it('keeps reading a refused body sent with Connection: close, and closes the connection only once it has all come', async () => {
    // As Node's http.request without an agent: the client asks for the connection to close after this
    // request. Closed as soon as the answer was written, the rest of the body would meet a closed socket:
    // a reset, which may throw the answer away before the client reads it.
    const url = new URL(stack.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    const events: string[] = [];
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => events.push(`error ${err.code}`));
    socket.on('end', () => events.push('end'));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const chunk = (bytes: number) => `${bytes.toString(16)}\r\n${'x'.repeat(bytes)}\r\n`;
    socket.write(
      'POST /api/v1/livechat/visitor HTTP/1.1\r\nHost: test\r\nConnection: close\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    socket.write(chunk(1024 * 1024 + 1));
    // The answer comes while the body is still coming…
    await expectEventually(async () => expect(received).toContain('"Request body is too large"'), { timeoutMs: 10_000, intervalMs: 20 });
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(received.toLowerCase()).not.toContain('connection: close');
    // …and the connection stays open for the rest of it, which is read.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([]);
    for (let i = 0; i < 8; i += 1) socket.write(chunk(64 * 1024));
    socket.end('0\r\n\r\n');
    await closed;
    expect(events).toEqual(['end']);
  });

  it("answers a chunked body over 1 MiB to Node's fetch (no content-length: refused once 1 MiB is read)", async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 4 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${stack.baseUrl}/api/v1/livechat/visitor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ success: false, error: 'Request body is too large' });
  });
});
