import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthIndicators, loggingModule, Metrics, MetricsModule, NatsRpcClientModule } from '@livechat/common';
import type { Logger } from 'pino';
import { AgentsController } from './admin/agents.controller.js';
import { DepartmentsController } from './admin/departments.controller.js';
import { InquiriesController } from './admin/inquiries.controller.js';
import { SettingsController } from './admin/settings.controller.js';
import { UsersController } from './admin/users.controller.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { ConsoleModule } from './console/console.module.js';
import { HealthController } from './health/health.controller.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { MessageController } from './livechat/message.controller.js';
import { RoomController } from './livechat/room.controller.js';
import { VisitorController } from './livechat/visitor.controller.js';
import { NatsRpc } from './rpc/nats-rpc.service.js';

@Module({})
export class GatewayModule {
  /** `logger`: the service's pino logger (createServiceLogger), which Nest's logger writes through. */
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        loggingModule(logger),
        NatsRpcClientModule.forRoot({ url: config.NATS_URL, name: 'gateway', defaultDeadlineMs: config.RPC_TIMEOUT_MS }),
        ConsoleModule.forRoot(config),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        MetricsModule.forRoot(new Metrics(config.METRICS_ENABLED)),
      ],
      controllers: [
        VisitorController,
        RoomController,
        MessageController,
        AgentsController,
        UsersController,
        DepartmentsController,
        SettingsController,
        InquiriesController,
        HealthController,
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, NatsRpc, HealthIndicators, HttpMetrics],
    };
  }
}
