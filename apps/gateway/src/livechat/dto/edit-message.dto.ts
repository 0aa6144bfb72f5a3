import { ApiSchema } from '@nestjs/swagger';
import { LIMITS } from '@livechat/contracts';
import { MessageText, RequiredText } from './message-fields.js';

/** `PUT livechat/message/:_id` (docs/api.md#messages). */
@ApiSchema({ name: 'EditMessageBody' })
export class EditMessageDto {
  @RequiredText('The visitor token', LIMITS.token, 'visitor-token-1')
  token: string;

  @RequiredText("The visitor's open room the message is in")
  rid: string;

  @MessageText()
  msg: string;
}
