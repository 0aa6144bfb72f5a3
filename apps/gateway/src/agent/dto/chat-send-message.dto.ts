import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { ClientMessageId, MessageText, RequiredText } from '../../livechat/dto/message-fields.js';

/** The message of `chat.sendMessage`: exactly `rid`, `msg` and, optionally, `_id`. */
@ApiSchema({ name: 'ChatMessageInput' })
export class ChatMessageDto {
  @RequiredText('An open room the agent serves')
  rid: string;

  @MessageText()
  msg: string;

  @ClientMessageId()
  _id?: string;
}

/** `POST chat.sendMessage` (docs/api.md#agents-sign-in). */
@ApiSchema({ name: 'ChatSendMessageBody' })
export class ChatSendMessageDto {
  @ApiProperty({ type: () => ChatMessageDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ChatMessageDto)
  message: ChatMessageDto;
}
