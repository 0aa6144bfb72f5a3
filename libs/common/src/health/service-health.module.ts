import { Controller, Get, Inject, Module, type DynamicModule } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsTransportServer } from '../transport/nats-transport.server.js';
import { NATS_CONNECTION } from '../nats/nats.module.js';
import { CHECK_TIMEOUT_MS, HealthIndicators } from './health.indicators.js';

export interface ServiceHealthOptions {
  /** The service's request/reply server; its connection is the one that takes requests. */
  server: NatsTransportServer;
  /** The JetStream durable consumers the service reads from. */
  consumers: readonly { stream: string; durable: string }[];
}

const SERVICE_HEALTH_OPTIONS = Symbol('SERVICE_HEALTH_OPTIONS');

/**
 * Liveness and readiness of a NATS service (rooms, routing) on its small HTTP listener:
 * - `GET /health/live`: the process is up and its event loop turns; nothing else is asked.
 * - `GET /health/ready`: PostgreSQL answers `SELECT 1`, both NATS connections (requests, and
 *   JetStream events) answer a PING, and each durable consumer's info is reachable. 503 with the
 *   same body shape as soon as one is down; it turns 200 again by itself when they are back.
 */
@Controller('health')
export class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicators,
    private readonly database: TypeOrmHealthIndicator,
    @Inject(NATS_CONNECTION) private readonly events: NatsConnection,
    @Inject(SERVICE_HEALTH_OPTIONS) private readonly options: ServiceHealthOptions,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.process()]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      this.database.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS),
      this.indicators.nats('nats', () => this.options.server.connection()),
      this.indicators.nats('nats-events', () => this.events),
      ...this.options.consumers.map((c) => this.indicators.consumer(`consumer:${c.durable}`, this.events, c.stream, c.durable)),
    ]);
  }
}

@Module({})
export class ServiceHealthModule {
  static forRoot(options: ServiceHealthOptions): DynamicModule {
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [ServiceHealthController],
      providers: [HealthIndicators, { provide: SERVICE_HEALTH_OPTIONS, useValue: options }],
    };
  }
}
