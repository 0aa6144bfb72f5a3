import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RoomSource } from '@livechat/contracts';

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

  @Column('jsonb', { nullable: true })
  metrics: { chatDuration?: number; serviceTimeDuration?: number } | null;

  @Column('jsonb', { name: 'custom_fields', nullable: true })
  customFields: Record<string, string> | null;
}

/** Columns aliased to RoomEntity's properties, for RETURNING clauses of hand-written writes. */
export const ROOM_COLUMNS = `id, visitor_id AS "visitorId", visitor_username AS "visitorUsername",
  visitor_token AS "visitorToken", visitor_status AS "visitorStatus", fname, department_id AS "departmentId",
  open, msgs, users_count AS "usersCount", source, ts, updated_at AS "updatedAt", lm, queued_at AS "queuedAt",
  served_by_id AS "servedById", served_by_username AS "servedByUsername", served_by_ts AS "servedByTs",
  assignment_version AS "assignmentVersion", closed_at AS "closedAt", closer, closed_by_id AS "closedById",
  closed_by_username AS "closedByUsername", metrics, custom_fields AS "customFields"`;
