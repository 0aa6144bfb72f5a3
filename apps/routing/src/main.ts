import 'reflect-metadata';
import { QUEUES } from '@livechat/contracts';
import { BaseConfig, bootstrapMicroservice, exitOnStartupError, loadConfig } from '@livechat/common';
import { AppModule } from './app.module.js';

try {
  const config = loadConfig(BaseConfig);
  await bootstrapMicroservice({
    name: 'routing',
    module: AppModule,
    natsUrl: config.NATS_URL,
    queue: QUEUES.routing,
    logLevel: config.LOG_LEVEL,
  });
} catch (err) {
  exitOnStartupError('routing', err);
}
