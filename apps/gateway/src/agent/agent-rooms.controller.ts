import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, ROOMS_COMMANDS, type CloseRoomByAgentCommand, type ListRoomsCommand, type ListRoomsReply } from '@livechat/contracts';
import { Allow, AUDIENCES, type AgentPrincipal, type Principal } from '../auth/access.js';
import { CurrentAgent, CurrentPrincipal } from '../auth/principal.decorator.js';
import { ApiAgentController, ApiForOneself, ApiRejects } from '../docs/api-docs.decorators.js';
import { SuccessReplySchema } from '../docs/common.schema.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { RoomListReplySchema } from './dto/agent-replies.schema.js';
import { CloseByUserDto } from './dto/close-by-user.dto.js';
import { ListRoomsQuery, ROOMS_PAGE } from './dto/list-rooms.query.js';

/** Rooms from an agent's side (docs/api.md#agents-sign-in): the rooms they serve or served, and closing one they serve. */
@Controller('api/v1/livechat')
@ApiAgentController()
export class AgentRoomsController {
  constructor(private readonly rpc: NatsRpc) {}

  @Get('rooms')
  @Allow(AUDIENCES.operator, AUDIENCES.agent)
  @ApiOperation({
    summary: 'List rooms, newest first',
    description:
      'An agent: the rooms they serve or served (`agents[]` may only name themselves). The operator: every room, or those of the ' +
      '`agents[]` named. `open=true|false` keeps only open or closed rooms. Query keys other than these and `count`, `offset` are a 400.',
  })
  @ApiOkResponse({ type: RoomListReplySchema })
  @ApiRejects("'open' must be one of the following values: true, false")
  @ApiForOneself()
  list(@Query() query: ListRoomsQuery, @CurrentPrincipal() principal: Principal): Promise<ListRoomsReply> {
    const named = query['agents[]'];
    const cmd: ListRoomsCommand = { count: Math.min(query.count ?? ROOMS_PAGE.default, ROOMS_PAGE.max), offset: query.offset ?? 0 };
    if (principal.kind === AUDIENCES.agent) {
      // As the reference: an agent without the right to see every room may only ask for their own.
      if (named && named.some((id) => id !== principal.agent._id)) throw new RpcException(ERRORS.forbidden);
      cmd.servedBy = [principal.agent._id];
    } else if (named) {
      cmd.servedBy = named;
    }
    if (query.open !== undefined) cmd.open = query.open === 'true';
    return this.rpc.request(ROOMS_COMMANDS.listRooms, cmd);
  }

  @Post('room.closeByUser')
  @HttpCode(200)
  @Allow(AUDIENCES.agent)
  @ApiOperation({
    summary: 'Close an open room the agent serves',
    description:
      '`closer: "user"`, `closedBy` the agent, `metrics.chatDuration` and `serviceTimeDuration`, the `livechat-close` message with the ' +
      "comment; the agent's capacity is released and the queue moves on. Publishes `room.closed` and `message.sent`.",
  })
  @ApiOkResponse({ type: SuccessReplySchema })
  @ApiRejects("'rid' is required", ERRORS.closeInvalidRoom, ERRORS.closeNotAuthorized, ERRORS.roomAlreadyClosed)
  async closeByUser(@Body() body: CloseByUserDto, @CurrentAgent() me: AgentPrincipal): Promise<Record<string, never>> {
    const cmd: CloseRoomByAgentCommand = { rid: body.rid, agent: me.agent };
    if (body.comment !== undefined) cmd.comment = body.comment;
    await this.rpc.request(ROOMS_COMMANDS.closeRoomByAgent, cmd);
    return {};
  }
}
