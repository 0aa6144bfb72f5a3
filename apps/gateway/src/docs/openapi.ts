import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { SECURITY_SCHEMES } from '../auth/access.js';
import { API_TAGS } from './api-docs.decorators.js';

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
        '401 `unauthorized` for missing or wrong credentials, 403 for credentials that may not do this (an agent',
        "on an operator endpoint, or acting for another agent), 404 for an unknown route (and `Agent not found`),",
        '503 `service-unavailable` when no service replica answers, 504 `timeout` past the deadline.',
        'Dates are ISO-8601 with milliseconds and `Z`; ids are 17-character random strings.',
        '',
        'Operators send `X-Auth-Token: <LIVECHAT_ADMIN_TOKEN>`. Agents send `X-User-Id: <agent _id>` and',
        '`X-Auth-Token: <their token>` (made by the operator with `users.createToken`, revoked by `logout`).',
      ].join('\n'),
    )
    .setVersion('1.0.0') // the version of the /api/v1 contract, not of the package
    .addTag(API_TAGS.livechat, 'Visitor endpoints: no login, the visitor `token` is the credential')
    .addTag(API_TAGS.operators, 'Agents, departments, settings and the queue; need the operator token (some also take an agent acting for themselves)')
    .addTag(API_TAGS.agents, "An agent's own actions: need the agent's `X-User-Id` and `X-Auth-Token`, never the operator token")
    .addTag(API_TAGS.health, 'Readiness of the gateway')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Auth-Token',
        description: "The operator token (env LIVECHAT_ADMIN_TOKEN); with X-User-Id, an agent's token (users.createToken)",
      },
      SECURITY_SCHEMES.authToken,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-User-Id', description: "The agent's _id, with the agent's X-Auth-Token" }, SECURITY_SCHEMES.userId)
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
