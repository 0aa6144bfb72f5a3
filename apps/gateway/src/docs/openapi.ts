import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_TAGS, OPERATOR_TOKEN_SCHEME } from './api-docs.decorators.js';

/** Where the gateway serves the API description: the Swagger UI page and the OpenAPI document. */
export const API_DOCS = {
  uiPath: 'api/docs',
  jsonPath: 'api/docs/openapi.json',
} as const;

/**
 * The OpenAPI document of the HTTP API, built from the controllers' and DTOs' decorators (the
 * swagger CLI plugin is not used: every schema is annotated explicitly).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('livechat')
    .setDescription(
      [
        "Livechat rooms and routing, wire-compatible with Rocket.Chat's Omnichannel REST API.",
        '',
        'A success is HTTP 200 with the result object and `"success": true`. A failure is',
        '`{"success": false, "error": "…", "errorType"?: "…"}`: 400 for bad input and domain errors,',
        '401 for an operator endpoint without the right `X-Auth-Token`, 404 for an unknown route (and',
        '`Agent not found`), 503 `service-unavailable` when no service replica answers, 504 `timeout`',
        'past the deadline. Dates are ISO-8601 with milliseconds and `Z`; ids are 17-character random strings.',
      ].join('\n'),
    )
    .setVersion('1.0.0') // the version of the /api/v1 contract, not of the package
    .addTag(API_TAGS.livechat, 'Visitor endpoints: no login, the visitor `token` is the credential')
    .addTag(API_TAGS.operators, 'Agents, departments, settings and the queue; need `X-Auth-Token`')
    .addTag(API_TAGS.health, 'Readiness of the gateway')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'The operator token (env LIVECHAT_ADMIN_TOKEN)' },
      OPERATOR_TOKEN_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}

/**
 * Serves the Swagger UI at `/api/docs` and the JSON document at `/api/docs/openapi.json`. The
 * document is built here, at start-up, so that a decorator mistake fails the boot, not a request.
 */
export function setupOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(API_DOCS.uiPath, app, document, {
    jsonDocumentUrl: API_DOCS.jsonPath,
    raw: ['json'],
    customSiteTitle: 'livechat API',
  });
}
