import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** The `:_id` of an agent, a department or a setting. */
export class IdParam {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  _id: string;
}
