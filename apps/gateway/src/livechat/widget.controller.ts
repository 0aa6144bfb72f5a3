import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { RpcException } from '@nestjs/microservices';
import {
  ERRORS,
  ROOMS_COMMANDS,
  ROUTING_COMMANDS,
  type Agent,
  type AgentIdCommand,
  type AgentIdentity,
  type Room,
  type ServingAgentCommand,
  type ServingAgentReply,
  type Visitor,
  type VisitorSessionCommand,
  type VisitorSessionReply,
  type WidgetConfigCommand,
  type WidgetConfigReply,
  type WidgetDepartment,
} from '@livechat/contracts';
import { Allow, AUDIENCES } from '../auth/access.js';
import { ApiLivechatController, ApiRejects } from '../docs/api-docs.decorators.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { AgentInfoParams, WidgetConfigQuery } from './dto/widget.dto.js';
import { AgentInfoReplySchema, WidgetConfigReplySchema } from './dto/widget.schema.js';
import { WIDGET_SETTINGS } from './widget-settings.js';

type WidgetConfig =
  | { enabled: false }
  | {
      enabled: true;
      online: boolean;
      settings: typeof WIDGET_SETTINGS;
      departments: WidgetDepartment[];
      guest?: Visitor;
      room?: Room;
      agent?: AgentIdentity;
    };

/** What the reference's widget and client library ask before and around a chat (docs/api.md#widget-bootstrap). No login. */
@Controller('api/v1/livechat')
@Allow(AUDIENCES.anyone)
@ApiLivechatController()
export class WidgetController {
  constructor(private readonly rpc: NatsRpc) {}

  @Get('config')
  @ApiOperation({
    summary: "The widget's bootstrap: is livechat on, is anyone online, the departments; with `token`, the visitor's session",
    description:
      'Two requests behind it: rooms (the visitor and their open room, when `token` is given), then routing (enabled, online, ' +
      "departments, the serving agent's name). `businessUnit` is taken and ignored; other query keys are a 400.",
  })
  @ApiOkResponse({ type: WidgetConfigReplySchema })
  @ApiRejects("unknown parameter 'foo'")
  async config(@Query() query: WidgetConfigQuery): Promise<{ config: WidgetConfig }> {
    const session: VisitorSessionReply = query.token
      ? await this.rpc.request<VisitorSessionReply>(ROOMS_COMMANDS.visitorSession, { token: query.token } satisfies VisitorSessionCommand)
      : {};
    const cmd: WidgetConfigCommand = {};
    if (query.department !== undefined) cmd.department = query.department;
    if (session.room?.servedBy) cmd.agentId = session.room.servedBy._id;
    const routing = await this.rpc.request<WidgetConfigReply>(ROUTING_COMMANDS.widgetConfig, cmd);
    if (!routing.enabled) return { config: { enabled: false } };
    const config: WidgetConfig = { enabled: true, online: routing.online, settings: WIDGET_SETTINGS, departments: routing.departments };
    if (session.visitor) config.guest = session.visitor;
    if (session.room) config.room = session.room;
    if (routing.agent) config.agent = routing.agent;
    return { config };
  }

  @Get('agent.info/:rid/:token')
  @ApiOperation({
    summary: "The agent serving the visitor's room",
    description: 'The room may be open or closed (as the reference). Unknown token: `invalid-token`; not their room: `invalid-room`; no agent: `invalid-agent`.',
  })
  @ApiOkResponse({ type: AgentInfoReplySchema })
  @ApiRejects("'token' must be shorter than or equal to 256 characters", ERRORS.invalidToken, ERRORS.invalidRoom, ERRORS.noServingAgent)
  async agentInfo(@Param() params: AgentInfoParams): Promise<{ agent: Pick<Agent, '_id' | 'username' | 'name' | 'status'> }> {
    const { agentId } = await this.rpc.request<ServingAgentReply>(ROOMS_COMMANDS.servingAgent, { rid: params.rid, token: params.token } satisfies ServingAgentCommand);
    const { user } = await this.rpc.request<{ user: Agent | null }>(ROUTING_COMMANDS.getAgent, { agentId } satisfies AgentIdCommand);
    if (!user) throw new RpcException(ERRORS.noServingAgent);
    return { agent: { _id: user._id, username: user.username, name: user.name, status: user.status } };
  }
}
