import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One token an agent holds, stored only as its SHA-256 (see the agent-tokens migration). */
@Entity({ schema: 'routing', name: 'agent_tokens' })
export class AgentTokenEntity {
  @PrimaryColumn('bytea', { name: 'token_hash' })
  tokenHash: Buffer;

  @Column('text', { name: 'agent_id' })
  agentId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
