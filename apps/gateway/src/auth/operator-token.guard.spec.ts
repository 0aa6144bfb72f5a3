import type { ExecutionContext } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS } from '@livechat/contracts';
import { OperatorTokenGuard } from './operator-token.guard.js';

const TOKEN = 'operator-secret-token';

/** An HTTP ExecutionContext whose request carries these raw headers (values as Node keeps them apart). */
function contextWith(headersDistinct: Record<string, string[]>): ExecutionContext {
  const request = { raw: { headersDistinct } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function refusal(headersDistinct: Record<string, string[]>): unknown {
  try {
    new OperatorTokenGuard({ LIVECHAT_ADMIN_TOKEN: TOKEN }).canActivate(contextWith(headersDistinct));
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('OperatorTokenGuard', () => {
  it('lets a request with the configured token through', () => {
    const guard = new OperatorTokenGuard({ LIVECHAT_ADMIN_TOKEN: TOKEN });
    expect(guard.canActivate(contextWith({ 'x-auth-token': [TOKEN] }))).toBe(true);
  });

  it.each([
    ['no header', {}],
    ['an empty header', { 'x-auth-token': [''] }],
    ['a wrong token of the same length', { 'x-auth-token': [TOKEN.replace(/.$/, 'X')] }],
    ['a shorter token', { 'x-auth-token': [TOKEN.slice(0, -1)] }],
    ['a longer token', { 'x-auth-token': [`${TOKEN}x`] }],
    ['the token with different case', { 'x-auth-token': [TOKEN.toUpperCase()] }],
    ['the token with surrounding spaces', { 'x-auth-token': [` ${TOKEN} `] }],
    ['the header given twice, even with the right token', { 'x-auth-token': [TOKEN, TOKEN] }],
    ['the token under another header', { authorization: [TOKEN] }],
  ])('refuses %s with unauthorized', (_case, headers) => {
    const err = refusal(headers);
    expect(err).toBeInstanceOf(RpcException);
    expect((err as RpcException).getError()).toEqual(ERRORS.unauthorized);
  });
});
