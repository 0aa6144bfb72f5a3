import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityColumns, randomId, sql } from '@livechat/common';
import type { EntityManager, Repository } from 'typeorm';
import { InquiryEntity } from './inquiry.entity.js';

export interface NewInquiry {
  roomId: string;
  departmentId: string | null;
  preferredAgentId: string | null;
  name: string;
  visitor: { _id: string; username: string; token: string };
  ts: Date;
  queuedAt: Date;
}

@Injectable()
export class InquiriesRepository {
  private readonly columns: EntityColumns<InquiryEntity>;

  constructor(@InjectRepository(InquiryEntity) private readonly inquiries: Repository<InquiryEntity>) {
    this.columns = new EntityColumns(inquiries.metadata);
  }

  /**
   * Queues rooms, each once: a redelivered room.opened, or one for a room already closed (or
   * reserved), does nothing. One statement for the lot; answers the rooms queued.
   */
  async insertQueued(list: NewInquiry[]): Promise<Set<string>> {
    if (list.length === 0) return new Set();
    const rows = await sql(this.inquiries.manager,
      `INSERT INTO routing.inquiries (id, room_id, status, department_id, preferred_agent_id, name, visitor, ts, queued_at)
       SELECT id, room_id, 'queued', department_id, preferred_agent_id, name, visitor, ts, queued_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::timestamptz[])
              AS i(id, room_id, department_id, preferred_agent_id, name, visitor, ts, queued_at)
       ON CONFLICT (room_id) DO NOTHING RETURNING room_id AS "roomId"`,
      [
        list.map(() => randomId()),
        list.map((i) => i.roomId),
        list.map((i) => i.departmentId),
        list.map((i) => i.preferredAgentId),
        list.map((i) => i.name),
        list.map((i) => JSON.stringify(i.visitor)),
        list.map((i) => i.ts),
        list.map((i) => i.queuedAt),
      ],
    );
    return new Set(rows.map((r) => r.roomId as string));
  }

  findForUpdate(manager: EntityManager, roomId: string): Promise<InquiryEntity | null> {
    return manager.getRepository(InquiryEntity).findOne({ where: { roomId }, lock: { mode: 'pessimistic_write' } });
  }

  findByIdForUpdate(manager: EntityManager, id: string): Promise<InquiryEntity | null> {
    return manager.getRepository(InquiryEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** A room closed before routing heard it opened: remember it, so the late room.opened queues nothing. */
  async insertClosed(manager: EntityManager, roomId: string, at: Date): Promise<boolean> {
    const rows = await sql(manager,
      `INSERT INTO routing.inquiries (id, room_id, status, queued_at) VALUES ($1, $2, 'closed', $3)
       ON CONFLICT (room_id) DO NOTHING RETURNING id`,
      [randomId(), roomId, at],
    );
    return rows.length > 0;
  }

  async markClosed(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(InquiryEntity).update({ id }, { status: 'closed', reservedUntil: null });
  }

  /** One page of the queue, oldest first, after the cursor. */
  queuedPage(manager: EntityManager, after: { queuedAt: Date; id: string } | null, limit: number): Promise<InquiryEntity[]> {
    const page = manager.getRepository(InquiryEntity).createQueryBuilder('i').where('i.status = :status', { status: 'queued' });
    if (after) page.andWhere('(i.queuedAt, i.id) > (:queuedAt, :id)', after);
    return page.orderBy('i.queuedAt').addOrderBy('i.id').limit(limit).getMany();
  }

  /**
   * Rooms waiting per department (its _id; "none" for rooms without one), every department listed,
   * 0 when nobody waits: one query over the queue's partial index, for the queue-depth gauge.
   */
  queueDepths(): Promise<{ department: string; depth: number }[]> {
    return sql(this.inquiries.manager,
      `WITH queued AS (
         SELECT department_id, count(*)::int AS depth FROM routing.inquiries WHERE status = 'queued' GROUP BY department_id
       )
       SELECT d.id AS department, coalesce(q.depth, 0) AS depth
         FROM routing.departments d LEFT JOIN queued q ON q.department_id = d.id
       UNION ALL
       SELECT 'none', coalesce((SELECT depth FROM queued WHERE department_id IS NULL), 0)`,
    );
  }

  listQueued(departmentId?: string): Promise<InquiryEntity[]> {
    return this.inquiries.find({
      where: { status: 'queued', ...((departmentId ?? null) === null ? {} : { departmentId }) },
      order: { queuedAt: 'ASC', id: 'ASC' },
    });
  }

  /** Marks queued inquiries taken by their agents; answers the new assignment version of each that was queued. */
  async markTaken(manager: EntityManager, taken: { id: string; agentId: string; departmentId: string | null }[], at: Date): Promise<Map<string, number>> {
    const rows: { id: string; version: number }[] = await sql(manager,
      `UPDATE routing.inquiries AS i
          SET status = 'taken', agent_id = t.agent_id, department_id = t.department_id, taken_at = $4, version = i.version + 1
         FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, agent_id, department_id)
        WHERE i.id = t.id AND i.status = 'queued'
        RETURNING i.id, i.version`,
      [taken.map((t) => t.id), taken.map((t) => t.agentId), taken.map((t) => t.departmentId), at],
    );
    return new Map(rows.map((r) => [r.id, r.version]));
  }

  /** Puts the agent's open rooms back in the queue, at their original place. */
  requeueAgent(manager: EntityManager, agentId: string): Promise<InquiryEntity[]> {
    return sql(manager,
      `UPDATE routing.inquiries SET status = 'queued', agent_id = NULL, taken_at = NULL, version = version + 1
        WHERE agent_id = $1 AND status = 'taken' RETURNING ${this.columns.select()}`,
      [agentId],
    );
  }
}
