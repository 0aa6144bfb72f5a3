import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AGENT_LIVECHAT_STATUSES, LIMITS, type AgentLivechatStatus } from '@livechat/contracts';

/** `POST livechat/agent.status` (SPEC §6): the agent's livechat availability. */
export class SetAgentStatusDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  agentId: string;

  @IsIn(AGENT_LIVECHAT_STATUSES)
  status: AgentLivechatStatus;
}
