import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { EVERY_ROUTE, HealthIndicators, loggingModule, Metrics, MetricsModule, natsConnectionOptions } from '@livechat/common';
import { AgentsController } from './admin/agents.controller.js';
import { DepartmentsController } from './admin/departments.controller.js';
import { InquiriesController } from './admin/inquiries.controller.js';
import { SettingsController } from './admin/settings.controller.js';
import { UsersController } from './admin/users.controller.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { ConsoleModule } from './console/console.module.js';
import { HealthController } from './health/health.controller.js';
import { redactUrl, RequestContextMiddleware } from './http/request-logging.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { MessageController } from './livechat/message.controller.js';
import { RoomController } from './livechat/room.controller.js';
import { VisitorController } from './livechat/visitor.controller.js';
import { NATS_CLIENT, NatsRpc } from './rpc/nats-rpc.service.js';

@Module({})
export class GatewayModule implements NestModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        loggingModule({
          service: 'gateway',
          level: config.LOG_LEVEL,
          format: config.LOG_FORMAT,
          // One line per request at info (LOG_LEVEL=warn turns them off); probes and scrapes at debug.
          accessLogLevel: 'info',
          probePaths: ['/health', '/metrics'],
          http: {
            serializers: {
              req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url && redactUrl(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
        ClientsModule.register([
          { name: NATS_CLIENT, transport: Transport.NATS, options: natsConnectionOptions(config.NATS_URL, 'gateway') },
        ]),
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

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes(EVERY_ROUTE);
  }
}
