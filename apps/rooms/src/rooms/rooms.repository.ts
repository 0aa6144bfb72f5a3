import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AgentSelectedEvent } from '@livechat/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { ROOM_COLUMNS, RoomEntity } from './room.entity.js';
import { sql } from '@livechat/common';

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
   * Sets (or, with agent null, clears) servedBy when the decision is newer than the room's last one
   * and the room is open. Answers the room as it now is, or null when nothing changed.
   */
  async applyAssignment(manager: EntityManager, d: AgentSelectedEvent, at: Date): Promise<RoomEntity | null> {
    const rows: RoomEntity[] = await sql(manager,
      `UPDATE rooms.rooms
          SET served_by_id = $2, served_by_username = $3, served_by_ts = CASE WHEN $2::text IS NULL THEN NULL ELSE $4::timestamptz END,
              users_count = CASE WHEN $2::text IS NULL THEN 1 ELSE 2 END, assignment_version = $5,
              department_id = COALESCE($6, department_id), updated_at = $4::timestamptz
        WHERE id = $1 AND open AND assignment_version < $5
        RETURNING ${ROOM_COLUMNS}`,
      [d.roomId, d.agent?._id ?? null, d.agent?.username ?? null, at, d.version, d.departmentId ?? null],
    );
    return rows[0] ?? null;
  }

  /** The room, locked until the transaction ends. */
  findForUpdate(manager: EntityManager, id: string): Promise<RoomEntity | null> {
    return manager.getRepository(RoomEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(manager: EntityManager, id: string, changes: Partial<RoomEntity>): Promise<void> {
    await manager.getRepository(RoomEntity).update({ id }, changes);
  }
}
