import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LIMITS } from '@livechat/contracts';
import {
  createServiceLogger,
  endIdleConnectionsOnShutdown,
  exitGracefullyOnSignals,
  exitOnStartupError,
  httpRequestId,
  loadConfig,
  useAccessLog,
} from '@livechat/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { GatewayConfig } from './config/gateway.config.js';
import { setupOpenApi } from './docs/openapi.js';
import { GatewayModule } from './gateway.module.js';
import { redactUrl, useRequestContext } from './http/request-logging.js';
import { strictServerOptions, useStrictInput } from './http/strict-input.js';

try {
  const config = loadConfig(GatewayConfig);
  const logger = createServiceLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT, stampRequestId: true });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config, logger),
    new FastifyAdapter({
      bodyLimit: LIMITS.bodyBytes,
      routerOptions: { maxParamLength: 1_000 },
      // The request id: the caller's sane X-Request-Id, else a new one (logged, answered, passed on).
      genReqId: httpRequestId,
      ...strictServerOptions,
    }),
    // JSON only (docs/api.md#conventions): the strict parser below replaces Nest's JSON and form parsers.
    // Logs wait for pino (structured, with the request id), which the module sets up.
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(PinoNestLogger));
  const fastify = app.getHttpAdapter().getInstance();
  useRequestContext(fastify);
  // One line per request at info (LOG_LEVEL=warn turns them off); probes and scrapes at debug.
  useAccessLog(fastify, logger, { accessLogLevel: 'info', probePaths: ['/health', '/metrics'], redactUrl });
  useStrictInput(app);
  await app.register(fastifyCookie);
  setupOpenApi(app); // Swagger UI at /api/docs, the OpenAPI document at /api/docs/openapi.json
  endIdleConnectionsOnShutdown(app.getHttpServer());
  exitGracefullyOnSignals(app, 'gateway');
  await app.listen(config.PORT, config.HOST);
  new Logger('gateway').log(`listening on http://${config.HOST}:${config.PORT}`);
} catch (err) {
  exitOnStartupError('gateway', err);
}
