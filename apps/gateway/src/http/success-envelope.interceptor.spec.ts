import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { firstValueFrom, of } from 'rxjs';
import { JsonBody } from './json-body.js';
import { RawReply, SuccessEnvelopeInterceptor } from './success-envelope.interceptor.js';

class Routes {
  enveloped(): void {}

  @RawReply()
  raw(): void {}
}

@RawReply()
class RawRoutes {
  any(): void {}
}

async function reply(controller: object, handler: () => void, result: unknown): Promise<{ body: unknown; type?: string }> {
  const answer: { type?: string } = {};
  const context = {
    getHandler: () => handler,
    getClass: () => controller,
    switchToHttp: () => ({ getResponse: () => ({ type: (t: string) => (answer.type = t) }) }),
  } as unknown as ExecutionContext;
  const body = await firstValueFrom(new SuccessEnvelopeInterceptor(new Reflector()).intercept(context, { handle: () => of(result) }));
  return { body, ...answer };
}

describe('SuccessEnvelopeInterceptor', () => {
  it('adds "success": true to a result object', async () => {
    expect((await reply(Routes, Routes.prototype.enveloped, { room: 1 })).body).toEqual({ room: 1, success: true });
  });

  it('sends the bytes of a JsonBody as JSON', async () => {
    const { body, type } = await reply(Routes, Routes.prototype.enveloped, JsonBody.success(Buffer.from('{"a":1}')));
    expect(String(body)).toBe('{"a":1,"success":true}');
    expect(type).toMatch(/^application\/json/);
  });

  it('leaves a RawReply handler or controller, and a text body, as they are', async () => {
    const health = { status: 'ok' };
    expect((await reply(Routes, Routes.prototype.raw, health)).body).toBe(health);
    expect((await reply(RawRoutes, RawRoutes.prototype.any, health)).body).toBe(health);
    expect((await reply(Routes, Routes.prototype.enveloped, '# HELP up')).body).toBe('# HELP up');
  });
});
