import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { ADMIN_LIMITS } from './admin-limits.js';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

/** `POST livechat/users/agent` (docs/api.md#operator-endpoints). */
@ApiSchema({ name: 'CreateAgentBody' })
export class CreateAgentDto {
  @ApiProperty({ minLength: 1, maxLength: LIMITS.name, example: 'agent.smith' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  username: string;

  @ApiPropertyOptional({ maxLength: LIMITS.name, example: 'Agent Smith' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.name)
  name?: string;

  /** 0 = the setting Livechat_maximum_chats_per_agent applies. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: ADMIN_LIMITS.maxInt,
    description: 'Simultaneous chats; 0 or absent = the setting Livechat_maximum_chats_per_agent applies',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  maxChats?: number;
}
