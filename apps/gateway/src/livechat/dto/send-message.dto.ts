import { ApiSchema } from '@nestjs/swagger';
import { LIMITS } from '@livechat/contracts';
import { ClientMessageId, MessageText, RequiredText } from './message-fields.js';

/** `POST livechat/message` (docs/api.md#messages): exactly `token`, `rid`, `msg` and, optionally, `_id`. */
@ApiSchema({ name: 'SendMessageBody' })
export class SendMessageDto {
  @RequiredText('The visitor token', LIMITS.token, 'visitor-token-1')
  token: string;

  @RequiredText("The visitor's open room")
  rid: string;

  @MessageText()
  msg: string;

  @ClientMessageId()
  _id?: string;
}
