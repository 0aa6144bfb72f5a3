import { Body, Controller, Get, HttpCode, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import {
  ROOMS_COMMANDS,
  type CloseRoomReply,
  type GetOrOpenRoomCommand,
  type GetOrOpenRoomReply,
  type RoomSource,
} from '@livechat/contracts';
import type { FastifyRequest } from 'fastify';
import { apiValidationPipe } from '../http/validation.pipe.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { CloseRoomDto } from './dto/close-room.dto.js';
import { GetRoomQuery } from './dto/get-room.query.js';

@Controller('api/v1/livechat')
@UseInterceptors(SuccessEnvelopeInterceptor)
export class RoomController {
  constructor(private readonly rpc: NatsRpc) {}

  @Get('room')
  getOrOpen(@Query(apiValidationPipe(true)) query: GetRoomQuery, @Req() req: FastifyRequest): Promise<GetOrOpenRoomReply> {
    const cmd: GetOrOpenRoomCommand = { token: query.token, source: roomSource(req) };
    // An empty rid counts as not given, as in the reference.
    if (query.rid) cmd.rid = query.rid;
    if (query.agentId) cmd.agentId = query.agentId;
    return this.rpc.request(ROOMS_COMMANDS.getOrOpenRoom, cmd);
  }

  @Post('room.close')
  @HttpCode(200)
  close(@Body(apiValidationPipe(true)) body: CloseRoomDto): Promise<CloseRoomReply> {
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
