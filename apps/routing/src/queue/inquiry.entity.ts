import { Column, Entity, PrimaryColumn } from 'typeorm';

export type InquiryStatus = 'queued' | 'reserved' | 'taken' | 'closed';

/**
 * routing's record of one room: queued until an agent takes it, closed when the room closes; or, for a
 * room served at once, reserved (capacity taken before the room exists) until room.opened confirms it.
 */
@Entity({ schema: 'routing', name: 'inquiries' })
export class InquiryEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text', { name: 'room_id' })
  roomId: string;

  @Column('text')
  status: InquiryStatus;

  /** The room's department; once taken, the department that serves it (after any fallback). */
  @Column('text', { name: 'department_id', nullable: true })
  departmentId: string | null;

  @Column('text', { name: 'preferred_agent_id', nullable: true })
  preferredAgentId: string | null;

  @Column('text', { name: 'agent_id', nullable: true })
  agentId: string | null;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('jsonb', { nullable: true })
  visitor: { _id: string; username: string; token: string } | null;

  @Column('timestamptz', { nullable: true })
  ts: Date | null;

  @Column('timestamptz', { name: 'queued_at' })
  queuedAt: Date;

  @Column('timestamptz', { name: 'taken_at', nullable: true })
  takenAt: Date | null;

  /** While reserved: the deadline of rooms' served insert (the database's clock). */
  @Column('timestamptz', { name: 'reserved_until', nullable: true })
  reservedUntil: Date | null;

  /** Grows with every change of the assignment; rooms applies decisions in this order. */
  @Column('integer')
  version: number;
}
