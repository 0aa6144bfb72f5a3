import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RoutingSettings, SettingId } from '@livechat/contracts';

@Entity({ schema: 'routing', name: 'settings' })
export class SettingEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('jsonb')
  value: RoutingSettings[SettingId];
}
