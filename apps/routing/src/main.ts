import 'reflect-metadata';
import { CONSUMERS, QUEUES, STREAMS } from '@livechat/contracts';
import { bootstrapMicroservice, exitOnStartupError, loadConfig } from '@livechat/common';
import { AppModule } from './app.module.js';
import { RoutingConfig } from './config/routing.config.js';

try {
  const config = loadConfig(RoutingConfig);
  await bootstrapMicroservice({
    name: 'routing',
    module: AppModule.forRoot(config),
    natsUrl: config.NATS_URL,
    queue: QUEUES.routing,
    logging: { level: config.LOG_LEVEL, format: config.LOG_FORMAT },
    http: { host: config.HEALTH_HOST, port: config.HEALTH_PORT },
    metricsEnabled: config.METRICS_ENABLED,
    consumers: [{ stream: STREAMS.events.name, durable: CONSUMERS.routingRoomEvents }],
  });
} catch (err) {
  exitOnStartupError('routing', err);
}
