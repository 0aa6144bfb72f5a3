import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** The `:_id` of an agent, a department or a setting. */
export class IdParam {
  @ApiProperty({ description: 'The id of the agent, department or setting', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  _id: string;
}
