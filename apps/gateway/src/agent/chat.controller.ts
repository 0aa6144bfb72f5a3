import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ERRORS,
  ROOMS_COMMANDS,
  type MessageReply,
  type SendAgentMessageCommand,
  type SyncMessagesCommand,
  type SyncMessagesReply,
} from '@livechat/contracts';
import { Allow, AUDIENCES, type AgentPrincipal } from '../auth/access.js';
import { CurrentAgent } from '../auth/principal.decorator.js';
import { ApiAgentController, ApiRejects } from '../docs/api-docs.decorators.js';
import { ErrorReplySchema } from '../docs/common.schema.js';
import { MessageReplySchema } from '../livechat/dto/message.schema.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { SyncMessagesReplySchema } from './dto/agent-replies.schema.js';
import { ChatSendMessageDto } from './dto/chat-send-message.dto.js';
import { SyncMessagesQuery } from './dto/sync-messages.query.js';

const NOT_ALLOWED = { success: false, error: ERRORS.notAllowed.error };

/** An agent's side of a room's conversation (docs/api.md#agents-sign-in): only rooms they serve (write) or serve or served (read). */
@Controller('api/v1')
@Allow(AUDIENCES.agent)
@ApiAgentController()
export class ChatController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post('chat.sendMessage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a message to an open room the agent serves',
    description: [
      'One transaction stores the message and the room fields an agent reply drives (`msgs`, `lm`, `lastMessage`, `waitingResponse` ' +
        'removed, `responseBy`, the response and reaction metrics), and publishes `message.sent`.',
      '`_id` is the client’s id: sending again with the same `_id` answers the stored message as it is and changes nothing; ' +
        'an `_id` naming any other message is 400 `invalid-message-id`. Keys other than `message.rid`, `message.msg`, `message._id` are a 400.',
    ].join('\n\n'),
  })
  @ApiOkResponse({ type: MessageReplySchema })
  @ApiRejects("'message.rid' is required", ERRORS.emptyMessage, ERRORS.messageLengthExceedsCharacterLimit, ERRORS.invalidMessageId)
  @ApiForbiddenResponse({ type: ErrorReplySchema, description: 'Not an open room this agent serves (unknown, closed, another agent’s, waiting).', example: NOT_ALLOWED })
  send(@Body() body: ChatSendMessageDto, @CurrentAgent() me: AgentPrincipal): Promise<MessageReply> {
    const cmd: SendAgentMessageCommand = { rid: body.message.rid, msg: body.message.msg, agent: me.agent };
    if (body.message._id !== undefined) cmd._id = body.message._id;
    return this.rpc.request(ROOMS_COMMANDS.sendAgentMessage, cmd);
  }

  @Get('chat.syncMessages')
  @ApiOperation({
    summary: 'The messages of a room the agent serves or served changed after a date',
    description:
      '`updated`: messages new or edited strictly after `lastUpdate`, newest first (system messages included); `deleted`: those deleted ' +
      'since. At most 100 changes (and about 512 KiB) an answer, the oldest first: ask again after the newest `_updatedAt` or ' +
      '`_deletedAt` received to get the rest. Query keys other than `roomId` and `lastUpdate` are a 400.',
  })
  @ApiOkResponse({ type: SyncMessagesReplySchema })
  @ApiRejects(ERRORS.lastUpdateParamNotProvided.error)
  @ApiForbiddenResponse({ type: ErrorReplySchema, description: 'Not a room this agent serves or served.', example: NOT_ALLOWED })
  sync(@Query() query: SyncMessagesQuery, @CurrentAgent() me: AgentPrincipal): Promise<SyncMessagesReply> {
    const cmd: SyncMessagesCommand = { rid: query.roomId, agentId: me.agent._id, lastUpdate: new Date(query.lastUpdate).toISOString() };
    return this.rpc.request(ROOMS_COMMANDS.syncMessages, cmd);
  }
}
