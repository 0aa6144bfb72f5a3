import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  AGENT_LIVECHAT_STATUSES,
  AGENT_PRESENCES,
  type Agent,
  type AgentLivechatStatus,
  type AgentPresence,
} from '@livechat/contracts';
import { ID_DOC, SuccessReplySchema, UserRefSchema } from '../../docs/common.schema.js';

/** Agents as the operator endpoints answer them (docs/api.md#operator-endpoints), for the API document. */

@ApiSchema({ name: 'Agent' })
export class AgentSchema implements Agent {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'agent.smith' })
  username: string;

  @ApiProperty({ example: 'Agent Smith', description: 'The username when the agent was created without a name' })
  name: string;

  @ApiProperty({ enum: AGENT_PRESENCES, description: 'Presence' })
  status: AgentPresence;

  @ApiProperty({ enum: AGENT_LIVECHAT_STATUSES, description: 'Livechat availability' })
  statusLivechat: AgentLivechatStatus;

  @ApiProperty({ type: 'integer', description: "The agent's own limit of open rooms; 0: none of their own (Livechat_maximum_chats_per_agent applies)" })
  maxChats: number;

  @ApiProperty({ type: 'integer', description: 'Open rooms the agent serves now' })
  activeChats: number;

  @ApiProperty({ type: [String], description: 'Department ids' })
  departments: string[];
}

@ApiSchema({ name: 'CreateAgentReply' })
export class CreateAgentReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => UserRefSchema })
  user: UserRefSchema;
}

@ApiSchema({ name: 'AgentListReply' })
export class AgentListReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => [AgentSchema] })
  users: AgentSchema[];
}

@ApiSchema({ name: 'AgentReply' })
export class AgentReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => AgentSchema, nullable: true, description: 'null when no agent has this id' })
  user: AgentSchema | null;
}

@ApiSchema({ name: 'AgentStatusReply' })
export class AgentStatusReplySchema extends SuccessReplySchema {
  @ApiProperty({ enum: AGENT_LIVECHAT_STATUSES })
  status: AgentLivechatStatus;
}
