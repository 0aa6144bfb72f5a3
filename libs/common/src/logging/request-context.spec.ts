import { acceptOrCreateRequestId, requestIdHeaders, currentRequestId, isSaneRequestId, outsideRequest, REQUEST_ID_HEADER, runInRequest } from './request-context.js';

describe('isSaneRequestId', () => {
  it.each(['a', 'req-1', 'e2e:4f1.x_y-z', 'A'.repeat(128), '0123456789abcdef'])('accepts %s', (id) => {
    expect(isSaneRequestId(id)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['a newline', 'a\nb'],
    ['a quote', 'a"b'],
    ['non-ASCII', 'é'],
    ['not a string', ['a', 'b']],
    ['undefined', undefined],
  ])('refuses %s', (_what, id) => {
    expect(isSaneRequestId(id)).toBe(false);
  });
});

describe('acceptOrCreateRequestId', () => {
  it('keeps a sane id', () => {
    expect(acceptOrCreateRequestId('abc-123')).toBe('abc-123');
  });

  it('makes a new, different one for an insane or missing id', () => {
    const a = acceptOrCreateRequestId('bad id');
    const b = acceptOrCreateRequestId(undefined);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
});

describe('the request context', () => {
  it('follows the request across awaits, and only that request', async () => {
    const seen = await Promise.all(
      ['one', 'two'].map((id) =>
        runInRequest(id, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return currentRequestId();
        }),
      ),
    );
    expect(seen).toEqual(['one', 'two']);
    expect(currentRequestId()).toBeUndefined();
  });

  it('is left by work set off outside the request', () => {
    runInRequest('one', () => {
      expect(outsideRequest(() => currentRequestId())).toBeUndefined();
      expect(runInRequest(undefined, () => currentRequestId())).toBeUndefined();
      expect(currentRequestId()).toBe('one');
    });
  });
});

describe('requestIdHeaders', () => {
  it('gives no headers outside a request', () => {
    expect(requestIdHeaders(undefined)).toBeUndefined();
    expect(requestIdHeaders(null)).toBeUndefined();
  });

  it('puts the request id in the x-request-id header', () => {
    expect(requestIdHeaders('req-7')?.get(REQUEST_ID_HEADER)).toBe('req-7');
  });
});
