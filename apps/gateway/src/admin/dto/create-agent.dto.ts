import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { ADMIN_LIMITS } from './admin-limits.js';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

/** `POST livechat/users/agent` (SPEC §6). */
export class CreateAgentDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  username: string;

  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.name)
  name?: string;

  /** 0 = the setting Livechat_maximum_chats_per_agent applies. */
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  maxChats?: number;
}
