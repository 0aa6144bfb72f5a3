import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'routing', name: 'settings' })
export class SettingEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('jsonb')
  value: unknown;
}
