import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AgentLivechatStatus, AgentPresence } from '@livechat/contracts';

@Entity({ schema: 'routing', name: 'agents' })
export class AgentEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  username: string;

  @Column('text', { nullable: true })
  name: string | null;

  /** Presence: online, away or offline. */
  @Column('text')
  status: AgentPresence;

  @Column('text', { name: 'status_livechat' })
  statusLivechat: AgentLivechatStatus;

  /** The agent's own limit; null or 0 means the global Livechat_maximum_chats_per_agent applies. */
  @Column('integer', { name: 'max_chats', nullable: true })
  maxChats: number | null;

  /** Rooms the agent serves now. Taken by a conditional update, never above capacity. */
  @Column('integer', { name: 'active_chats' })
  activeChats: number;

  /** Rooms ever assigned to the agent (Auto_Selection without a department). */
  @Column('integer', { name: 'routed_total' })
  routedTotal: number;

  @Column('timestamptz', { name: 'last_routed_at', nullable: true })
  lastRoutedAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
