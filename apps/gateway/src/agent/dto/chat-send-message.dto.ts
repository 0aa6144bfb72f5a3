import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';
import { MessageText, RequiredText } from '../../livechat/dto/message-fields.js';

/** The message of `chat.sendMessage`: exactly `rid`, `msg` and, optionally, `_id`. */
@ApiSchema({ name: 'ChatMessageInput' })
export class ChatMessageDto {
  @RequiredText('An open room the agent serves')
  rid: string;

  @MessageText()
  msg: string;

  @ApiPropertyOptional({
    description:
      "The client's id for the message: sending again with the same _id answers the stored message and changes nothing; " +
      'an _id naming any other message is 400 invalid-message-id. Absent: the server makes one.',
    minLength: 1,
    maxLength: LIMITS.id,
  })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  _id?: string;
}

/** `POST chat.sendMessage` (SPEC §6a). */
@ApiSchema({ name: 'ChatSendMessageBody' })
export class ChatSendMessageDto {
  @ApiProperty({ type: () => ChatMessageDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ChatMessageDto)
  message: ChatMessageDto;
}
