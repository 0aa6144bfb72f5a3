import { Body, Controller, Get, Header, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ERRORS,
  ROOMS_COMMANDS,
  type CloseRoomReply,
  type GetOrOpenRoomCommand,
  type RoomSource,
} from '@livechat/contracts';
import type { FastifyRequest } from 'fastify';
import { Allow, AUDIENCES } from '../auth/access.js';
import { ApiLivechatController, ApiRejects } from '../docs/api-docs.decorators.js';
import { JSON_CONTENT_TYPE } from '../http/json-body.js';
import { RawReply } from '../http/success-envelope.interceptor.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { CloseRoomDto } from './dto/close-room.dto.js';
import { GetRoomQuery } from './dto/get-room.query.js';
import { CloseRoomReplySchema, RoomReplySchema } from './dto/room.schema.js';

@Controller('api/v1/livechat')
@Allow(AUDIENCES.anyone)
@ApiLivechatController()
export class RoomController {
  constructor(private readonly rpc: NatsRpc) {}

  @Get('room')
  // The hot path: rooms' reply goes out as rooms serialized it, with the success
  // envelope spliced in (NatsRpc.forward), as JSON.
  @RawReply()
  @Header('Content-Type', JSON_CONTENT_TYPE)
  @ApiOperation({
    summary: "Get the visitor's room, or open a new one",
    description: [
      "With `rid`: that room if it is open and this visitor's (`newRoom: false`), else 400 `invalid-room`; a `rid` never opens a room.",
      "Without `rid`: the visitor's open room (`newRoom: false`), or a new one (`newRoom: true`) placed in the queue and routed; " +
        'the answer does not wait for routing, so `servedBy` may come later. Concurrent requests for one token all get the same room.',
      'Any query key other than `token`, `rid` and `agentId` is a 400.',
      'The cookies `rc_room_type=l` and `rc_is_widget=t` mark a widget request: `source` is then `{type: "widget", destination: <Host>}`.',
    ].join('\n\n'),
  })
  @ApiOkResponse({ type: RoomReplySchema })
  @ApiRejects(
    "unknown parameter 'foo'",
    ERRORS.invalidToken,
    ERRORS.invalidRoom,
    ERRORS.noAgentOnline,
    ERRORS.omnichannelDisabled,
  )
  async getOrOpen(@Query() query: GetRoomQuery, @Req() req: FastifyRequest): Promise<Buffer> {
    const cmd: GetOrOpenRoomCommand = { token: query.token, source: roomSource(req) };
    // An empty rid counts as not given, as in the reference.
    if (query.rid) cmd.rid = query.rid;
    if (query.agentId) cmd.agentId = query.agentId;
    return (await this.rpc.forward(ROOMS_COMMANDS.getOrOpenRoom, cmd)).bytes;
  }

  @Post('room.close')
  @HttpCode(200)
  @ApiOperation({
    summary: "Close the visitor's room",
    description: "Body keys other than `rid` and `token` are a 400. The agent's capacity is released and the queue moves on.",
  })
  @ApiOkResponse({ type: CloseRoomReplySchema })
  @ApiRejects("'rid' should not be empty", ERRORS.invalidToken, ERRORS.invalidRoom, ERRORS.roomClosed)
  close(@Body() body: CloseRoomDto): Promise<CloseRoomReply> {
    return this.rpc.request(ROOMS_COMMANDS.closeRoom, { rid: body.rid, token: body.token });
  }
}

/** The reference's widget marks its requests with two cookies; anything else is an API client. */
export function roomSource(req: FastifyRequest): RoomSource {
  const cookies = req.cookies ?? {};
  if (cookies.rc_room_type === 'l' && cookies.rc_is_widget === 't') {
    return { type: 'widget', destination: req.headers.host ?? '' };
  }
  return { type: 'api' };
}
