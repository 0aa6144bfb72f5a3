import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AGENT_LIVECHAT_STATUSES, LIMITS, type AgentLivechatStatus } from '@livechat/contracts';

/** `POST livechat/agent.status` (SPEC §6): the agent's livechat availability. */
@ApiSchema({ name: 'SetAgentStatusBody' })
export class SetAgentStatusDto {
  @ApiProperty({ description: 'The agent id', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  agentId: string;

  @ApiProperty({ enum: AGENT_LIVECHAT_STATUSES, description: 'Livechat availability' })
  @IsIn(AGENT_LIVECHAT_STATUSES)
  status: AgentLivechatStatus;
}
