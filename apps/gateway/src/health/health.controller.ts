import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { NatsRpc } from '../rpc/nats-rpc.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly rpc: NatsRpc) {}

  /** Ready when the gateway's NATS connection is up; 503 otherwise. */
  @Get()
  @HttpCode(200)
  check(): { status: 'ok'; nats: 'connected' } {
    if (!this.rpc.isConnected()) throw new ServiceUnavailableException('nats-disconnected');
    return { status: 'ok', nats: 'connected' };
  }
}
