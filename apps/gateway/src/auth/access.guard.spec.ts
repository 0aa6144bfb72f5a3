import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, ROUTING_COMMANDS, type AgentCredentials } from '@livechat/contracts';
import { CONSOLE_CONTROLLERS } from '../console/console.module.js';
import { GATEWAY_CONTROLLERS } from '../gateway.module.js';
import type { NatsRpc } from '../rpc/nats-rpc.service.js';
import { ALLOW_METADATA, AUDIENCES, type Audience, type Principal } from './access.js';
import { AccessGuard } from './access.guard.js';

const TOKEN = 'operator-secret-token';
const AGENT = { _id: 'AgentAgentAgent17', username: 'alice', name: 'Alice' };
const AGENT_TOKEN = 'agent-token-of-alice';

/** A handler that allows `audiences`, and an HTTP context for it whose request carries these raw headers. */
function contextFor(audiences: Audience[], headersDistinct: Record<string, string[]>) {
  const handler = () => undefined;
  Reflect.defineMetadata(ALLOW_METADATA, audiences, handler);
  const request: { raw: { headersDistinct: Record<string, string[]> }; principal?: Principal } = { raw: { headersDistinct } };
  const context = {
    getHandler: () => handler,
    getClass: () => class {},
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

/** The guard, with a routing that knows one agent token. */
function guard() {
  const calls: AgentCredentials[] = [];
  const rpc = {
    request: async (subject: string, credentials: AgentCredentials) => {
      expect(subject).toBe(ROUTING_COMMANDS.authenticateAgent);
      calls.push(credentials);
      if (credentials.agentId === AGENT._id && credentials.authToken === AGENT_TOKEN) return { agent: AGENT };
      throw new RpcException(ERRORS.unauthorized);
    },
  } as unknown as NatsRpc;
  return { guard: new AccessGuard(new Reflector(), rpc, { LIVECHAT_ADMIN_TOKEN: TOKEN }), calls };
}

async function outcome(audiences: Audience[], headers: Record<string, string[]>): Promise<{ principal?: Principal; error?: unknown; asked: number }> {
  const { guard: g, calls } = guard();
  const { context, request } = contextFor(audiences, headers);
  try {
    await g.canActivate(context);
    return { principal: request.principal, asked: calls.length };
  } catch (error) {
    return { error: error instanceof RpcException ? error.getError() : error, asked: calls.length };
  }
}

const agentHeaders = { 'x-user-id': [AGENT._id], 'x-auth-token': [AGENT_TOKEN] };

describe('AccessGuard', () => {
  it('lets anyone through to an endpoint that allows anyone, without reading credentials', async () => {
    expect(await outcome([AUDIENCES.anyone], {})).toEqual({ principal: undefined, asked: 0 });
  });

  it('takes the operator token on an operator endpoint', async () => {
    expect(await outcome([AUDIENCES.operator], { 'x-auth-token': [TOKEN] })).toEqual({ principal: { kind: 'operator' }, asked: 0 });
  });

  it.each([
    ['no header', {}],
    ['an empty header', { 'x-auth-token': [''] }],
    ['a wrong token of the same length', { 'x-auth-token': [TOKEN.replace(/.$/, 'X')] }],
    ['a shorter token', { 'x-auth-token': [TOKEN.slice(0, -1)] }],
    ['a longer token', { 'x-auth-token': [`${TOKEN}x`] }],
    ['the token with different case', { 'x-auth-token': [TOKEN.toUpperCase()] }],
    ['the token with surrounding spaces', { 'x-auth-token': [` ${TOKEN} `] }],
    ['the header given twice, even with the right token', { 'x-auth-token': [TOKEN, TOKEN] }],
    ['the token under another header', { authorization: [TOKEN] }],
  ])('refuses %s on an operator endpoint with 401 unauthorized', async (_case, headers) => {
    expect(await outcome([AUDIENCES.operator], headers)).toEqual({ error: ERRORS.unauthorized, asked: 0 });
  });

  it("takes an agent's credentials, checked by routing, on an agent's endpoint", async () => {
    expect(await outcome([AUDIENCES.agent], agentHeaders)).toEqual({
      principal: { kind: 'agent', agent: AGENT, credentials: { agentId: AGENT._id, authToken: AGENT_TOKEN } },
      asked: 1,
    });
  });

  it("answers 403 to an agent's valid credentials on an operator endpoint", async () => {
    expect(await outcome([AUDIENCES.operator], agentHeaders)).toEqual({ error: ERRORS.forbidden, asked: 1 });
  });

  it("answers 401 to the operator token alone on an agent's endpoint: it is not an agent", async () => {
    expect(await outcome([AUDIENCES.agent], { 'x-auth-token': [TOKEN] })).toEqual({ error: ERRORS.unauthorized, asked: 0 });
  });

  it('takes either on an endpoint that allows both', async () => {
    expect((await outcome([AUDIENCES.operator, AUDIENCES.agent], { 'x-auth-token': [TOKEN] })).principal).toEqual({ kind: 'operator' });
    expect((await outcome([AUDIENCES.operator, AUDIENCES.agent], agentHeaders)).principal).toMatchObject({ kind: 'agent', agent: AGENT });
  });

  it.each([
    ['X-User-Id with the operator token', { 'x-user-id': [AGENT._id], 'x-auth-token': [TOKEN] }, 1],
    ["another agent's id with this agent's token", { 'x-user-id': ['SomeoneElse123456'], 'x-auth-token': [AGENT_TOKEN] }, 1],
    ['X-User-Id without a token', { 'x-user-id': [AGENT._id] }, 0],
    ['an empty X-User-Id', { 'x-user-id': [''], 'x-auth-token': [AGENT_TOKEN] }, 0],
    ['X-User-Id twice', { 'x-user-id': [AGENT._id, AGENT._id], 'x-auth-token': [AGENT_TOKEN] }, 0],
    ['the token twice', { 'x-user-id': [AGENT._id], 'x-auth-token': [AGENT_TOKEN, AGENT_TOKEN] }, 0],
    ['an X-User-Id over 256 characters', { 'x-user-id': ['x'.repeat(257)], 'x-auth-token': [AGENT_TOKEN] }, 0],
    ['a token over 256 characters', { 'x-user-id': [AGENT._id], 'x-auth-token': ['x'.repeat(257)] }, 0],
  ])('refuses %s with 401, on any endpoint that takes credentials', async (_case, headers, asked) => {
    for (const audiences of [[AUDIENCES.agent], [AUDIENCES.operator], [AUDIENCES.operator, AUDIENCES.agent]] as Audience[][]) {
      expect(await outcome(audiences, headers)).toEqual({ error: ERRORS.unauthorized, asked });
    }
  });

  it('is declared on every controller of the gateway: who may call each endpoint is never left to a default', () => {
    for (const controller of [...GATEWAY_CONTROLLERS, ...CONSOLE_CONTROLLERS]) {
      const onClass = Reflect.getMetadata(ALLOW_METADATA, controller) as Audience[] | undefined;
      const handlers = Object.getOwnPropertyNames(controller.prototype).filter((name) => name !== 'constructor');
      for (const name of handlers) {
        const onHandler = Reflect.getMetadata(ALLOW_METADATA, Object.getOwnPropertyDescriptor(controller.prototype, name)!.value as object) as Audience[] | undefined;
        expect(onHandler ?? onClass, `${controller.name}.${name}`).toBeDefined();
      }
    }
  });
});
