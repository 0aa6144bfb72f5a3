import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AGENT_LIVECHAT_STATUSES, LIMITS, type AgentLivechatStatus } from '@livechat/contracts';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

/** `POST livechat/agent.status` (docs/api.md#operator-endpoints, docs/api.md#agents-sign-in): the agent's livechat availability. */
@ApiSchema({ name: 'SetAgentStatusBody' })
export class SetAgentStatusDto {
  @ApiPropertyOptional({ description: "The agent id: required with the operator token; an agent's own (or omitted)", minLength: 1, maxLength: LIMITS.id })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  agentId?: string;

  @ApiProperty({ enum: AGENT_LIVECHAT_STATUSES, description: 'Livechat availability' })
  @IsIn(AGENT_LIVECHAT_STATUSES)
  status: AgentLivechatStatus;
}
