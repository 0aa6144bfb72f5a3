import { Controller, Get, HttpCode, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { HealthIndicators } from '@livechat/common';
import type { FastifyReply } from 'fastify';
import { Allow, AUDIENCES } from '../auth/access.js';
import { API_TAGS } from '../docs/api-docs.decorators.js';
import { ErrorReplySchema } from '../docs/common.schema.js';
import { RawReply } from '../http/success-envelope.interceptor.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { HealthSchema } from './health.schema.js';

@Controller('health')
@Allow(AUDIENCES.anyone)
@ApiTags(API_TAGS.health)
@RawReply()
export class HealthController {
  constructor(
    private readonly rpc: NatsRpc,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicators,
  ) {}

  /** Ready when the gateway's NATS connection is up; 503 otherwise. Kept as it was for existing probes. */
  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: "Readiness: the gateway's NATS connection is up" })
  @ApiOkResponse({ type: HealthSchema })
  @ApiServiceUnavailableResponse({
    type: ErrorReplySchema,
    description: 'NATS is not connected',
    example: { success: false, error: 'nats-disconnected' },
  })
  check(): { status: 'ok'; nats: 'connected' } {
    if (!this.rpc.isConnected()) throw new ServiceUnavailableException('nats-disconnected');
    return { status: 'ok', nats: 'connected' };
  }

  /** Liveness: the process is up and its event loop turns. Depends on nothing else. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency is checked)' })
  live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | string | object> {
    return answer(this.health.check([() => this.indicators.process()]), reply);
  }

  /** Readiness: the NATS connection to the services answers a PING. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: "Readiness: the gateway's NATS connection answers a PING" })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | string | object> {
    return answer(this.health.check([this.indicators.nats('nats', () => this.rpc.connection())]), reply);
  }
}

/**
 * Terminus's own body on 503 too (`{status: "error", info, error, details}`), rather than the API's
 * error envelope the gateway's exception filter would make of it: probes and operators read one shape.
 */
async function answer(check: Promise<HealthCheckResult>, reply: FastifyReply): Promise<HealthCheckResult | string | object> {
  try {
    return await check;
  } catch (err) {
    if (!(err instanceof ServiceUnavailableException)) throw err;
    void reply.status(503);
    return err.getResponse();
  }
}
