import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { InjectRepository } from '@nestjs/typeorm';
import type { CustomFieldInput } from '@livechat/contracts';
import { EntityColumns, PG_POOL, preparedQuery, randomId, sql } from '@livechat/common';
import type { EntityManager, Repository } from 'typeorm';
import { VisitorEntity } from './visitor.entity.js';

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
  private readonly columns: EntityColumns<VisitorEntity>;
  private readonly visitorByToken: { name: string; text: string };

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @InjectRepository(VisitorEntity) visitors: Repository<VisitorEntity>,
  ) {
    this.columns = new EntityColumns(visitors.metadata);
    this.visitorByToken = { name: 'rooms.visitor-by-token', text: `SELECT ${this.columns.select()} FROM rooms.visitors WHERE token = $1` };
  }

  /** On the way to every new room: one prepared statement over the token's unique index. */
  async findByToken(token: string): Promise<VisitorEntity | null> {
    const [visitor] = await preparedQuery<VisitorEntity>(this.pool, this.visitorByToken, [token]);
    return visitor ?? null;
  }

  /** The token of the oldest visitor with this phone. */
  async findTokenByPhone(manager: EntityManager, phone: string): Promise<string | null> {
    const visitor = await manager.getRepository(VisitorEntity).findOne({ select: { token: true }, where: { phone }, order: { ts: 'ASC' } });
    return visitor?.token ?? null;
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
       RETURNING ${this.columns.select()}`,
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
}
