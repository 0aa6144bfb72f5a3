import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { InjectRepository } from '@nestjs/typeorm';
import type { CustomFieldInput } from '@livechat/contracts';
import { PG_POOL, preparedQuery, randomId, sql } from '@livechat/common';
import type { EntityManager, Repository } from 'typeorm';
import { ROOM_COLUMNS, type RoomEntity } from '../rooms/room.entity.js';
import { VISITOR_COLUMNS, VisitorEntity } from './visitor.entity.js';

const VISITOR_BY_TOKEN = { name: 'rooms.visitor-by-token', text: `SELECT ${VISITOR_COLUMNS} FROM rooms.visitors WHERE token = $1` };

export interface VisitorChanges {
  token: string;
  username?: string;
  name?: string;
  email?: string;
  phone?: string;
  departmentId?: string;
  customFields?: CustomFieldInput[];
}

@Injectable()
export class VisitorsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @InjectRepository(VisitorEntity) private readonly visitors: Repository<VisitorEntity>,
  ) {}

  /** On the way to every new room: one prepared statement over the token's unique index. */
  async findByToken(token: string): Promise<VisitorEntity | null> {
    const [visitor] = await preparedQuery<VisitorEntity>(this.pool, VISITOR_BY_TOKEN, [token]);
    return visitor ?? null;
  }

  async findTokenByPhone(manager: EntityManager, phone: string): Promise<string | null> {
    const rows: { token: string }[] = await sql(manager,
      `SELECT token FROM rooms.visitors WHERE phone = $1 ORDER BY ts LIMIT 1`,
      [phone],
    );
    return rows[0]?.token ?? null;
  }

  /**
   * Creates the visitor for `token` or updates the one that has it, atomically, so parallel
   * registrations of one token all answer the same visitor. Given fields replace stored ones;
   * custom fields keep a stored value unless `overwrite` is set.
   */
  async upsert(manager: EntityManager, c: VisitorChanges, now: Date): Promise<VisitorEntity> {
    const keep: Record<string, string> = {};
    const overwrite: Record<string, string> = {};
    for (const f of c.customFields ?? []) (f.overwrite ? overwrite : keep)[f.key] = f.value;
    const rows: VisitorEntity[] = await sql(manager,
      `INSERT INTO rooms.visitors AS v
         (id, token, username, name, email, phone, department_id, status, livechat_data, ts, updated_at)
       VALUES ($1, $2, COALESCE($3, 'guest-' || nextval('rooms.guest_seq')), $4, $5, $6, $7, 'online',
               NULLIF($8::jsonb || $9::jsonb, '{}'::jsonb), $10, $10)
       ON CONFLICT (token) DO UPDATE SET
         username      = COALESCE($3, v.username),
         name          = COALESCE($4, v.name),
         email         = COALESCE($5, v.email),
         phone         = COALESCE($6, v.phone),
         department_id = COALESCE($7, v.department_id),
         livechat_data = NULLIF($8::jsonb || COALESCE(v.livechat_data, '{}'::jsonb) || $9::jsonb, '{}'::jsonb),
         updated_at    = $10
       RETURNING ${VISITOR_COLUMNS}`,
      [
        randomId(),
        c.token,
        c.username ?? null,
        c.name ?? null,
        c.email ?? null,
        c.phone ?? null,
        c.departmentId ?? null,
        JSON.stringify(keep),
        JSON.stringify(overwrite),
        now,
      ],
    );
    return rows[0];
  }

  /**
   * Copies a visitor's new name into the `fname` of their open room (SPEC §3), at `now` or just after
   * the room's last change (see nextInstant). Answers the room as it now is, or null when nothing
   * changed (no open room, or the same name).
   */
  async renameOpenRoom(manager: EntityManager, visitorId: string, name: string, now: Date): Promise<RoomEntity | null> {
    const [room] = await sql<RoomEntity>(manager,
      `UPDATE rooms.rooms SET fname = $2, updated_at = GREATEST($3, updated_at + interval '1 millisecond')
        WHERE visitor_id = $1 AND open AND fname <> $2
        RETURNING ${ROOM_COLUMNS}`,
      [visitorId, name, now],
    );
    return room ?? null;
  }
}
