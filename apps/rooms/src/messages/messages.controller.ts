import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ROOMS_COMMANDS,
  type DeleteMessageCommand,
  type DeleteMessageReply,
  type EditMessageCommand,
  type GetMessageCommand,
  type MessageHistoryCommand,
  type MessageHistoryReply,
  type MessageReply,
  type SendAgentMessageCommand,
  type SendMessageCommand,
  type SyncMessagesCommand,
  type SyncMessagesReply,
} from '@livechat/contracts';
import { MessagesService } from './messages.service.js';

/** The visitor's message commands (docs/api.md#messages) and the agent's (docs/api.md#agents-sign-in: chat.sendMessage, chat.syncMessages). */
@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @MessagePattern(ROOMS_COMMANDS.sendMessage)
  send(@Payload() cmd: SendMessageCommand): Promise<MessageReply> {
    return this.messages.send(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.messageHistory)
  history(@Payload() cmd: MessageHistoryCommand): Promise<MessageHistoryReply> {
    return this.messages.history(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.getMessage)
  get(@Payload() cmd: GetMessageCommand): Promise<MessageReply> {
    return this.messages.get(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.editMessage)
  edit(@Payload() cmd: EditMessageCommand): Promise<MessageReply> {
    return this.messages.edit(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.deleteMessage)
  delete(@Payload() cmd: DeleteMessageCommand): Promise<DeleteMessageReply> {
    return this.messages.delete(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.sendAgentMessage)
  sendAsAgent(@Payload() cmd: SendAgentMessageCommand): Promise<MessageReply> {
    return this.messages.sendAsAgent(cmd);
  }

  @MessagePattern(ROOMS_COMMANDS.syncMessages)
  sync(@Payload() cmd: SyncMessagesCommand): Promise<SyncMessagesReply> {
    return this.messages.sync(cmd);
  }
}
