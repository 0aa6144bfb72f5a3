import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';
import { MessageText, RequiredText } from './message-fields.js';

/** `POST livechat/message` (SPEC §5a): exactly `token`, `rid`, `msg` and, optionally, `_id`. */
@ApiSchema({ name: 'SendMessageBody' })
export class SendMessageDto {
  @RequiredText('The visitor token', LIMITS.token, 'visitor-token-1')
  token: string;

  @RequiredText("The visitor's open room")
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
