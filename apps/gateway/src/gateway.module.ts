import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthIndicators, loggingModule, Metrics, MetricsModule, NatsRpcClientModule } from '@livechat/common';
import type { Logger } from 'pino';
import { AgentsController } from './admin/agents.controller.js';
import { DepartmentsController } from './admin/departments.controller.js';
import { InquiriesController } from './admin/inquiries.controller.js';
import { SettingsController } from './admin/settings.controller.js';
import { UsersController } from './admin/users.controller.js';
import { AgentRoomsController } from './agent/agent-rooms.controller.js';
import { AgentSessionController } from './agent/agent-session.controller.js';
import { ChatController } from './agent/chat.controller.js';
import { AccessGuard } from './auth/access.guard.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { ConsoleModule } from './console/console.module.js';
import { HealthController } from './health/health.controller.js';
import { ApiEnvelopeFilter } from './http/api-envelope.filter.js';
import { SuccessEnvelopeInterceptor } from './http/success-envelope.interceptor.js';
import { ApiValidationPipe } from './http/validation.pipe.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { MessageController } from './livechat/message.controller.js';
import { RoomController } from './livechat/room.controller.js';
import { VisitorController } from './livechat/visitor.controller.js';
import { WidgetController } from './livechat/widget.controller.js';
import { NatsRpc } from './rpc/nats-rpc.service.js';

/** The gateway's own controllers (the console's are in ConsoleModule): each declares who may call it (Allow). */
export const GATEWAY_CONTROLLERS = [
  VisitorController,
  RoomController,
  MessageController,
  WidgetController,
  AgentsController,
  UsersController,
  DepartmentsController,
  SettingsController,
  InquiriesController,
  AgentSessionController,
  ChatController,
  AgentRoomsController,
  HealthController,
];

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
      controllers: GATEWAY_CONTROLLERS,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        NatsRpc,
        HealthIndicators,
        HttpMetrics,
        // The edge, once for all controllers: every request's credentials against its endpoint's
        // Allow, its input against its DTOs, a success in its envelope, a failure as HTTP.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useClass: ApiValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: SuccessEnvelopeInterceptor },
        { provide: APP_FILTER, useClass: ApiEnvelopeFilter },
      ],
    };
  }
}
