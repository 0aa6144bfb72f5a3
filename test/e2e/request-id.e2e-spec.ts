import { randomUUID } from 'node:crypto';
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { ADMIN_TOKEN, TestStack, type ServiceName } from '../../harness/stack.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type LogLine = Record<string, any> & { msg?: string; requestId?: string };

describe('request ids and structured logs', () => {
  let stack: TestStack;
  let api: Api;
  let seq = 0;

  beforeAll(async () => {
    // debug: rooms and routing log each request and each consumed event only at debug.
    stack = await TestStack.start({ env: { LOG_LEVEL: 'debug' } });
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    await api.createAgent('agent.request-id');
  });
  afterAll(() => stack?.stop());

  async function visitor(): Promise<string> {
    const token = `tok-rid-${process.pid}-${(seq += 1)}`;
    expect((await api.registerVisitor({ token })).status).toBe(200);
    return token;
  }

  /** Every line the service wrote, each parsed as JSON (a line that is not JSON fails the test). */
  function lines(service: ServiceName): LogLine[] {
    return stack
      .service(service)
      .logs()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          throw new Error(`${service} wrote a line that is not JSON: ${line}`);
        }
      });
  }

  const linesOf = (service: ServiceName, requestId: string) => lines(service).filter((l) => l.requestId === requestId);

  /** Waits until the service has logged a line with the request id that matches `expected`. */
  function expectLogged(service: ServiceName, requestId: string, expected: (line: LogLine) => boolean): Promise<LogLine> {
    return expectEventually(() => {
      const found = linesOf(service, requestId).find(expected);
      if (!found) throw new Error(`${service} logged no such line for ${requestId}; its lines with the id: ${JSON.stringify(linesOf(service, requestId))}`);
      return found;
    });
  }

  it('carries the caller X-Request-Id from the gateway through rooms to routing, by request and by room event', async () => {
    const token = await visitor();
    const requestId = `e2e-${randomUUID()}`;
    const res = await api.room({ token }, { 'X-Request-Id': requestId });
    expect(res.status).toBe(200);
    expect(res.body.newRoom).toBe(true);
    expect(res.headers['x-request-id']).toBe(requestId);

    const access = await expectLogged('gateway', requestId, (l) => l.msg === 'request completed');
    expect(access).toMatchObject({ level: 'info', service: 'gateway', req: { method: 'GET' }, res: { statusCode: 200 } });
    expect(access.req.url).toBe('/api/v1/livechat/room?token=***'); // the visitor token is a credential
    expect(typeof access.responseTime).toBe('number');

    // rooms handled the gateway's request, and asked routing for admission with the same id.
    await expectLogged('rooms', requestId, (l) => /^rooms\.get-or-open ok in /.test(l.msg ?? ''));
    await expectLogged('routing', requestId, (l) => /^routing\.admit-room ok in /.test(l.msg ?? ''));
    // room.opened went through the outbox and JetStream with the id as a header.
    const consumed = await expectLogged('routing', requestId, (l) => /^handled room\.opened /.test(l.msg ?? ''));
    expect(consumed).toMatchObject({ level: 'debug', service: 'routing', context: 'Consumer:routing-room-events' });

    const closeId = `e2e-close-${randomUUID()}`;
    const closed = await api.post('/api/v1/livechat/room.close', { rid: res.body.room._id, token }, { headers: { 'X-Request-Id': closeId } });
    expect(closed.status).toBe(200);
    expect(closed.headers['x-request-id']).toBe(closeId);
    await expectLogged('rooms', closeId, (l) => /^rooms\.close ok in /.test(l.msg ?? ''));
    await expectLogged('routing', closeId, (l) => /^handled room\.closed /.test(l.msg ?? ''));
  });

  it('carries the id over the new transport both ways: on the hot path, with a body, and on a refusal', async () => {
    const token = await visitor();
    expect((await api.room({ token })).status).toBe(200);
    // The open room again: the hot path (a batched lookup in rooms, its reply passed through).
    const hotId = `e2e-hot-${randomUUID()}`;
    const hot = await api.room({ token }, { 'X-Request-Id': hotId });
    expect(hot.status).toBe(200);
    expect(hot.body.newRoom).toBe(false);
    expect(hot.headers['x-request-id']).toBe(hotId);
    expect(hot.headers['content-type']).toBe('application/json; charset=utf-8');
    await expectLogged('rooms', hotId, (l) => /^rooms\.get-or-open ok in /.test(l.msg ?? ''));
    await expectLogged('gateway', hotId, (l) => l.msg === 'request completed');

    // A body is read before the handler: the id is still the request's when the gateway calls rooms.
    const bodyId = `e2e-body-${randomUUID()}`;
    const registered = await api.post('/api/v1/livechat/visitor', { visitor: { token, name: 'Renamed' } }, { headers: { 'X-Request-Id': bodyId } });
    expect(registered.status).toBe(200);
    await expectLogged('rooms', bodyId, (l) => /^rooms\.register-visitor ok in /.test(l.msg ?? ''));

    // A domain error travels back with the request's id on both sides.
    const refusedId = `e2e-refused-${randomUUID()}`;
    const refused = await api.room({ token: `${token}-unknown` }, { 'X-Request-Id': refusedId });
    expect(refused.status).toBe(400);
    expect(refused.headers['x-request-id']).toBe(refusedId);
    await expectLogged('rooms', refusedId, (l) => /^rooms\.get-or-open invalid-token in /.test(l.msg ?? ''));
    const access = await expectLogged('gateway', refusedId, (l) => l.msg === 'request completed');
    expect(access.res).toEqual({ statusCode: 400 });
  });

  it('generates an id when the caller sends none, answers it and passes it on', async () => {
    const token = await visitor();
    const res = await api.room({ token });
    expect(res.status).toBe(200);
    const requestId = String(res.headers['x-request-id']);
    expect(requestId).toMatch(UUID);
    await expectLogged('gateway', requestId, (l) => l.msg === 'request completed');
    await expectLogged('rooms', requestId, (l) => /^rooms\.get-or-open ok in /.test(l.msg ?? ''));
    await expectLogged('routing', requestId, (l) => /^handled room\.opened /.test(l.msg ?? ''));
  });

  it('gives every request an id of its own', async () => {
    const token = await visitor();
    const [a, b] = await Promise.all([api.get(`/api/v1/livechat/visitor/${token}`), api.get(`/api/v1/livechat/visitor/${token}`)]);
    expect(a.headers['x-request-id']).toMatch(UUID);
    expect(b.headers['x-request-id']).toMatch(UUID);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('keeps a sane id of the longest allowed length, every allowed character included', async () => {
    const requestId = 'aZ09._:-'.repeat(16);
    expect(requestId).toHaveLength(128);
    const res = await api.get('/health/live', { headers: { 'X-Request-Id': requestId } });
    expect(res.headers['x-request-id']).toBe(requestId);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with a space', 'abc def'],
    ['with a semicolon', 'abc;def'],
    ['with markup', '<script>alert(1)</script>'],
    ['with a quote', 'abc"def'],
  ])('replaces an X-Request-Id %s with a new one, and never logs it', async (_case, insane) => {
    const token = await visitor();
    const res = await api.room({ token }, { 'X-Request-Id': insane });
    expect(res.status).toBe(200);
    const requestId = String(res.headers['x-request-id']);
    expect(requestId).toMatch(UUID);
    await expectLogged('gateway', requestId, (l) => l.msg === 'request completed');
    await expectLogged('rooms', requestId, (l) => /^rooms\.get-or-open ok in /.test(l.msg ?? ''));
    for (const service of ['gateway', 'rooms', 'routing'] as const) {
      expect(lines(service).some((l) => JSON.stringify(l).includes(JSON.stringify(insane).slice(1, -1)))).toBe(false);
    }
  });

  it('writes only JSON lines, with level, time, service and message, and no credentials', async () => {
    for (const service of ['gateway', 'rooms', 'routing'] as const) {
      const all = lines(service);
      expect(all.length).toBeGreaterThan(0);
      for (const line of all) {
        expect(line).toMatchObject({ service, level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
      }
    }
    const gateway = stack.service('gateway').logs();
    expect(gateway).not.toContain(ADMIN_TOKEN);
    expect(gateway).not.toContain(`tok-rid-${process.pid}-`);
  });
});
