import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS } from '@livechat/contracts';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';

const HEADER = 'x-auth-token';

/**
 * Operator endpoints (SPEC §2): exactly one `X-Auth-Token` header equal to `LIVECHAT_ADMIN_TOKEN`.
 * Both sides are hashed with SHA-256 before `timingSafeEqual`, so the comparison takes the same time
 * whatever the sent token is, including its length. Guards run before pipes, so an unauthenticated
 * request is refused before its input is looked at.
 */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'LIVECHAT_ADMIN_TOKEN'>) {
    this.expected = sha256(config.LIVECHAT_ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): true {
    const request = context.switchToHttp().getRequest<Pick<FastifyRequest, 'raw'>>();
    // headersDistinct keeps repeated headers apart (`headers` would join them with ", ").
    const values = request.raw.headersDistinct[HEADER];
    if (values?.length !== 1 || !timingSafeEqual(sha256(values[0]), this.expected)) {
      throw new RpcException(ERRORS.unauthorized);
    }
    return true;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
