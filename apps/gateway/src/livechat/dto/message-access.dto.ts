import { ApiSchema } from '@nestjs/swagger';
import { LIMITS } from '@livechat/contracts';
import { RequiredText } from './message-fields.js';

/**
 * A visitor naming one of their rooms: the query of `GET livechat/message/:_id` and the body of
 * `DELETE livechat/message/:_id` (docs/api.md#messages).
 */
@ApiSchema({ name: 'MessageAccess' })
export class MessageAccessDto {
  @RequiredText('The visitor token', LIMITS.token, 'visitor-token-1')
  token: string;

  @RequiredText("The visitor's room the message is in")
  rid: string;
}
