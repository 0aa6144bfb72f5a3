import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AGENT_PRESENCES, LIMITS, type AgentPresence } from '@livechat/contracts';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

/** `POST users.setStatus` (docs/api.md#operator-endpoints): the agent's presence. */
@ApiSchema({ name: 'SetUserStatusBody' })
export class SetUserStatusDto {
  @ApiProperty({ description: 'The agent id', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  userId: string;

  @ApiProperty({ enum: AGENT_PRESENCES, description: 'Presence' })
  @IsIn(AGENT_PRESENCES)
  status: AgentPresence;

  /** The reference accepts a status message; it is validated and not stored. */
  @ApiPropertyOptional({ description: 'A status message; validated, not stored', maxLength: LIMITS.name })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.name)
  message?: string;
}
