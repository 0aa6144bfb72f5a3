import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Message, ResponseBy, RoomMetrics, RoomSource } from '@livechat/contracts';

@Entity({ schema: 'rooms', name: 'rooms' })
export class RoomEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text', { name: 'visitor_id' })
  visitorId: string;

  @Column('text', { name: 'visitor_username' })
  visitorUsername: string;

  @Column('text', { name: 'visitor_token' })
  visitorToken: string;

  @Column('text', { name: 'visitor_status' })
  visitorStatus: string;

  @Column('text')
  fname: string;

  @Column('text', { name: 'department_id', nullable: true })
  departmentId: string | null;

  @Column('boolean')
  open: boolean;

  @Column('integer')
  msgs: number;

  @Column('integer', { name: 'users_count' })
  usersCount: number;

  @Column('jsonb')
  source: RoomSource;

  @Column('timestamptz')
  ts: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('timestamptz')
  lm: Date;

  @Column('timestamptz', { name: 'queued_at' })
  queuedAt: Date;

  @Column('text', { name: 'served_by_id', nullable: true })
  servedById: string | null;

  @Column('text', { name: 'served_by_username', nullable: true })
  servedByUsername: string | null;

  @Column('timestamptz', { name: 'served_by_ts', nullable: true })
  servedByTs: Date | null;

  @Column('integer', { name: 'assignment_version' })
  assignmentVersion: number;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt: Date | null;

  @Column('text', { nullable: true })
  closer: 'visitor' | 'user' | null;

  @Column('text', { name: 'closed_by_id', nullable: true })
  closedById: string | null;

  @Column('text', { name: 'closed_by_username', nullable: true })
  closedByUsername: string | null;

  /** The wire metrics (docs/api.md#what-messages-do-to-the-room): dates already ISO strings. */
  @Column('jsonb', { nullable: true })
  metrics: RoomMetrics | null;

  @Column('jsonb', { name: 'custom_fields', nullable: true })
  customFields: Record<string, string> | null;

  /** The newest visitor or agent message, as the API answers it. */
  @Column('jsonb', { name: 'last_message', nullable: true })
  lastMessage: Message | null;

  @Column('timestamptz', { name: 'visitor_last_message_ts', nullable: true })
  visitorLastMessageTs: Date | null;

  @Column('boolean', { name: 'waiting_response' })
  waitingResponse: boolean;

  @Column('jsonb', { name: 'response_by', nullable: true })
  responseBy: ResponseBy | null;
}
