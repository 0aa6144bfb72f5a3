import { Column, Entity, PrimaryColumn } from 'typeorm';
import { selectList } from '@livechat/common';

@Entity({ schema: 'rooms', name: 'visitors' })
export class VisitorEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  token: string;

  @Column('text')
  username: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('text', { name: 'department_id', nullable: true })
  departmentId: string | null;

  @Column('text')
  status: string;

  @Column('jsonb', { name: 'livechat_data', nullable: true })
  livechatData: Record<string, string> | null;

  @Column('timestamptz')
  ts: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

/** VisitorEntity's properties and their columns, for hand-written SQL (see `selectList`). */
const VISITOR_COLUMN_NAMES: Record<keyof VisitorEntity, string> = {
  id: 'id',
  token: 'token',
  username: 'username',
  name: 'name',
  email: 'email',
  phone: 'phone',
  departmentId: 'department_id',
  status: 'status',
  livechatData: 'livechat_data',
  ts: 'ts',
  updatedAt: 'updated_at',
};

/** Columns aliased to VisitorEntity's properties, for RETURNING clauses of hand-written writes. */
export const VISITOR_COLUMNS = selectList(VISITOR_COLUMN_NAMES);
