import 'reflect-metadata';
import { CONSUMERS, QUEUES, STREAMS } from '@livechat/contracts';
import { bootstrapMicroservice, exitOnStartupError, loadConfig } from '@livechat/common';
import { AppModule } from './app.module.js';
import { RoomsConfig } from './config/rooms.config.js';

try {
  const config = loadConfig(RoomsConfig);
  await bootstrapMicroservice({
    name: 'rooms',
    module: AppModule.forRoot(config),
    natsUrl: config.NATS_URL,
    queue: QUEUES.rooms,
    logging: { level: config.LOG_LEVEL, format: config.LOG_FORMAT },
    http: { host: config.HEALTH_HOST, port: config.HEALTH_PORT },
    metricsEnabled: config.METRICS_ENABLED,
    consumers: [{ stream: STREAMS.decisions.name, durable: CONSUMERS.roomsDecisions }],
  });
} catch (err) {
  exitOnStartupError('rooms', err);
}
