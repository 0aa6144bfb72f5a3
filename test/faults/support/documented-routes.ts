import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CONSOLE_CONTROLLERS } from '../../../apps/gateway/src/console/console.module.js';
import { buildOpenApiDocument } from '../../../apps/gateway/src/docs/openapi.js';
import { GATEWAY_CONTROLLERS } from '../../../apps/gateway/src/gateway.module.js';

const API_PREFIX = '/api/v1/';

/**
 * The API's routes as the gateway documents them (its OpenAPI document, built from the same
 * controllers in this process, their dependencies stubbed: nothing is served), each named
 * `METHOD path` under /api/v1 with `:param` for a path parameter: `GET livechat/visitor/:token`.
 */
export async function documentedRoutes(): Promise<string[]> {
  const module = await Test.createTestingModule({ controllers: [...GATEWAY_CONTROLLERS, ...CONSOLE_CONTROLLERS] })
    .useMocker(() => ({}))
    .compile();
  const app = module.createNestApplication(new FastifyAdapter(), { logger: false });
  try {
    const document = buildOpenApiDocument(app);
    return Object.entries(document.paths)
      .filter(([path]) => path.startsWith(API_PREFIX))
      .flatMap(([path, operations]) =>
        Object.keys(operations)
          .filter((method) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
          .map((method) => `${method.toUpperCase()} ${path.slice(API_PREFIX.length).replace(/\{(\w+)\}/g, ':$1')}`),
      );
  } finally {
    await app.close();
  }
}
