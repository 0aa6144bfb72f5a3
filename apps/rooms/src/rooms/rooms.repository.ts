import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AgentSelectedEvent } from '@livechat/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { ROOM_COLUMN_NAMES, ROOM_COLUMNS, RoomEntity } from './room.entity.js';
import { selectList, sql } from '@livechat/common';

@Injectable()
export class RoomsRepository {
  constructor(@InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>) {}

  findById(id: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ id });
  }

  findOpenByVisitor(visitorId: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ visitorId, open: true });
  }

  /**
   * Inserts the room unless the visitor already has an open one. The partial unique index
   * `rooms_one_open_per_visitor` decides: a concurrent insert for the same visitor waits for the
   * other transaction and then does nothing. Returns null when another room won.
   */
  async insertIfNoOpenRoom(manager: EntityManager, room: RoomEntity): Promise<RoomEntity | null> {
    const rows: RoomEntity[] = await sql(manager,
      `INSERT INTO rooms.rooms
         (id, visitor_id, visitor_username, visitor_token, visitor_status, fname, department_id, open, msgs,
          users_count, source, ts, updated_at, lm, queued_at, custom_fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, true, 0, 1, $8, $9, $9, $9, $9, $10)
       ON CONFLICT (visitor_id) WHERE open DO NOTHING
       RETURNING ${ROOM_COLUMNS}`,
      [
        room.id,
        room.visitorId,
        room.visitorUsername,
        room.visitorToken,
        room.visitorStatus,
        room.fname,
        room.departmentId,
        JSON.stringify(room.source),
        room.ts,
        room.customFields ? JSON.stringify(room.customFields) : null,
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * Applies routing's decisions: sets (or, with agent null, clears) servedBy where the decision is
   * newer than the room's last one and the room is open, in one statement. The rooms must be
   * distinct. Answers each changed room as it now is, with the decision that changed it.
   */
  async applyAssignments(manager: EntityManager, decisions: AgentSelectedEvent[]): Promise<{ room: RoomEntity; decision: AgentSelectedEvent }[]> {
    const rows: (RoomEntity & { decisionIndex: number })[] = await sql(manager,
      `UPDATE rooms.rooms AS r
          SET served_by_id = d.agent_id, served_by_username = d.agent_username,
              served_by_ts = CASE WHEN d.agent_id IS NULL THEN NULL ELSE d.at END,
              users_count = CASE WHEN d.agent_id IS NULL THEN 1 ELSE 2 END, assignment_version = d.version,
              department_id = COALESCE(d.department_id, r.department_id), updated_at = d.at
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::text[])
              AS d(i, room_id, agent_id, agent_username, at, version, department_id)
        WHERE r.id = d.room_id AND r.open AND r.assignment_version < d.version
        RETURNING ${selectList(ROOM_COLUMN_NAMES, 'r')}, d.i AS "decisionIndex"`,
      [
        decisions.map((_, i) => i),
        decisions.map((d) => d.roomId),
        decisions.map((d) => d.agent?._id ?? null),
        decisions.map((d) => d.agent?.username ?? null),
        decisions.map((d) => d.occurredAt),
        decisions.map((d) => d.version),
        decisions.map((d) => d.departmentId ?? null),
      ],
    );
    return rows.map(({ decisionIndex, ...room }) => ({ room: room as RoomEntity, decision: decisions[decisionIndex] }));
  }

  /** The room, locked until the transaction ends. */
  findForUpdate(manager: EntityManager, id: string): Promise<RoomEntity | null> {
    return manager.getRepository(RoomEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(manager: EntityManager, id: string, changes: Partial<RoomEntity>): Promise<void> {
    await manager.getRepository(RoomEntity).update({ id }, changes);
  }
}
