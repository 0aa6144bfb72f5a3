import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../docs/api-docs.decorators.js';
import { ErrorReplySchema } from '../docs/common.schema.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { HealthSchema } from './health.schema.js';

@Controller('health')
@ApiTags(API_TAGS.health)
export class HealthController {
  constructor(private readonly rpc: NatsRpc) {}

  /** Ready when the gateway's NATS connection is up; 503 otherwise. */
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
}
