import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ERRORS,
  ROOMS_COMMANDS,
  type DeleteMessageCommand,
  type DeleteMessageReply,
  type EditMessageCommand,
  type GetMessageCommand,
  type MessageHistoryCommand,
  type MessageHistoryReply,
  type MessageReply,
  type SendMessageCommand,
} from '@livechat/contracts';
import { Allow, AUDIENCES } from '../auth/access.js';
import { ApiLivechatController, ApiRejects } from '../docs/api-docs.decorators.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { EditMessageDto } from './dto/edit-message.dto.js';
import { MessageAccessDto } from './dto/message-access.dto.js';
import { MessageHistoryQuery } from './dto/message-history.query.js';
import { MessageIdParam, RoomIdParam } from './dto/message-id.param.js';
import { DeleteMessageReplySchema, MessageHistoryReplySchema, MessageReplySchema } from './dto/message.schema.js';
import { SendMessageDto } from './dto/send-message.dto.js';

/** A visitor's conversation (docs/api.md#messages): the visitor token is the credential; another visitor's room is invalid-room. */
@Controller('api/v1/livechat')
@Allow(AUDIENCES.anyone)
@ApiLivechatController()
export class MessageController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post('message')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a message to the visitor’s open room',
    description: [
      'Body keys other than `token`, `rid`, `msg` and `_id` are a 400. One transaction stores the message and the room fields it drives ' +
        '(`msgs`, `lm`, `lastMessage`, `v.lastMessageTs`, `waitingResponse`, `metrics.v.lq`), and publishes `message.sent`.',
      '`_id` is the client’s id: sending again with the same `_id` answers the stored message as it is and changes nothing; ' +
        'an `_id` naming any other message (another room, another sender, a system message) is 400 `invalid-message-id`.',
    ].join('\n\n'),
  })
  @ApiOkResponse({ type: MessageReplySchema })
  @ApiRejects("'msg' should not be empty", ERRORS.invalidToken, ERRORS.invalidRoom, ERRORS.roomClosed, ERRORS.messageLengthExceedsCharacterLimit, ERRORS.invalidMessageId)
  send(@Body() body: SendMessageDto): Promise<MessageReply> {
    const cmd: SendMessageCommand = { token: body.token, rid: body.rid, msg: body.msg };
    if (body._id !== undefined) cmd._id = body._id;
    return this.rpc.request(ROOMS_COMMANDS.sendMessage, cmd);
  }

  @Get('messages.history/:rid')
  @ApiOperation({
    summary: 'The messages of one of the visitor’s rooms, newest first',
    description:
      'System messages (uj, livechat-close) included; a closed room of theirs can be read. `end`: only messages strictly before it; ' +
      '`limit` (default 20; above 100 counts as 100) and `offset` page through them. Query keys other than these are a 400.',
  })
  @ApiOkResponse({ type: MessageHistoryReplySchema })
  @ApiRejects(ERRORS.tokenParamNotProvided.error, ERRORS.invalidToken, ERRORS.invalidRoom)
  history(@Param() params: RoomIdParam, @Query() query: MessageHistoryQuery): Promise<MessageHistoryReply> {
    const cmd: MessageHistoryCommand = { token: query.token, rid: params.rid };
    if (query.end !== undefined) cmd.end = new Date(query.end).toISOString();
    if (query.limit !== undefined) cmd.limit = query.limit;
    if (query.offset !== undefined) cmd.offset = query.offset;
    return this.rpc.request(ROOMS_COMMANDS.messageHistory, cmd);
  }

  @Get('message/:_id')
  @ApiOperation({ summary: 'One message of one of the visitor’s rooms', description: 'Query keys other than `token` and `rid` are a 400.' })
  @ApiOkResponse({ type: MessageReplySchema })
  @ApiRejects("'rid' should not be empty", ERRORS.invalidToken, ERRORS.invalidRoom, ERRORS.invalidMessage)
  get(@Param() params: MessageIdParam, @Query() query: MessageAccessDto): Promise<MessageReply> {
    const cmd: GetMessageCommand = { token: query.token, rid: query.rid, messageId: params._id };
    return this.rpc.request(ROOMS_COMMANDS.getMessage, cmd);
  }

  @Put('message/:_id')
  @ApiOperation({
    summary: 'Edit one of the visitor’s own messages in their open room',
    description: 'Anything else (another’s message, a system message, a deleted one, a closed room) is 400 `invalid-message`. Publishes `message.sent` with the edited message.',
  })
  @ApiOkResponse({ type: MessageReplySchema })
  @ApiRejects("'msg' should not be empty", ERRORS.invalidToken, ERRORS.invalidRoom, ERRORS.invalidMessage, ERRORS.messageLengthExceedsCharacterLimit)
  edit(@Param() params: MessageIdParam, @Body() body: EditMessageDto): Promise<MessageReply> {
    const cmd: EditMessageCommand = { token: body.token, rid: body.rid, messageId: params._id, msg: body.msg };
    return this.rpc.request(ROOMS_COMMANDS.editMessage, cmd);
  }

  @Delete('message/:_id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Delete one of the visitor’s own messages in their open room',
    description:
      'The message leaves the history and `msgs` drops by one (`lastMessage` becomes the newest message left). Anything else is 400 ' +
      '`invalid-message`. Publishes `message.deleted`.',
  })
  @ApiOkResponse({ type: DeleteMessageReplySchema })
  @ApiRejects("'rid' should not be empty", ERRORS.invalidToken, ERRORS.invalidRoom, ERRORS.invalidMessage)
  delete(@Param() params: MessageIdParam, @Body() body: MessageAccessDto): Promise<DeleteMessageReply> {
    const cmd: DeleteMessageCommand = { token: body.token, rid: body.rid, messageId: params._id };
    return this.rpc.request(ROOMS_COMMANDS.deleteMessage, cmd);
  }
}
