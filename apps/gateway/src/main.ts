import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LIMITS } from '@livechat/contracts';
import { endIdleConnectionsOnShutdown, exitGracefullyOnSignals, exitOnStartupError, loadConfig, logLevels } from '@livechat/common';
import { GatewayConfig } from './config/gateway.config.js';
import { setupOpenApi } from './docs/openapi.js';
import { GatewayModule } from './gateway.module.js';
import { ApiEnvelopeFilter } from './http/api-envelope.filter.js';
import { strictServerOptions, useStrictInput } from './http/strict-input.js';

try {
  const config = loadConfig(GatewayConfig);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: LIMITS.bodyBytes, maxParamLength: 1_000, ...strictServerOptions }),
    // JSON only (SPEC §2): the strict parser below replaces Nest's JSON and form parsers.
    { logger: logLevels(config.LOG_LEVEL), bodyParser: false },
  );
  useStrictInput(app);
  await app.register(fastifyCookie);
  app.useGlobalFilters(new ApiEnvelopeFilter());
  setupOpenApi(app); // Swagger UI at /api/docs, the OpenAPI document at /api/docs/openapi.json
  endIdleConnectionsOnShutdown(app.getHttpServer());
  exitGracefullyOnSignals(app, 'gateway');
  await app.listen(config.PORT, config.HOST);
  new Logger('gateway').log(`listening on http://${config.HOST}:${config.PORT}`);
} catch (err) {
  exitOnStartupError('gateway', err);
}
