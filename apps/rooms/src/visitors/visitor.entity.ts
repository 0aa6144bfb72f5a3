import { Column, Entity, PrimaryColumn } from 'typeorm';

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
