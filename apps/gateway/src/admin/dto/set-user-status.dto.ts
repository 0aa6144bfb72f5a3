import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AGENT_PRESENCES, LIMITS, type AgentPresence } from '@livechat/contracts';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

/** `POST users.setStatus` (SPEC §6): the agent's presence. */
export class SetUserStatusDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  userId: string;

  @IsIn(AGENT_PRESENCES)
  status: AgentPresence;

  /** The reference accepts a status message; it is validated and not stored. */
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.name)
  message?: string;
}
