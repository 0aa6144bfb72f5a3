import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RpcException } from '@nestjs/microservices';
import { DEFAULT_SETTINGS, ERRORS, ROUTING_METHODS, type RoutingSettings, type SettingId } from '@livechat/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { CapacitySignal } from '../assignment/capacity.signal.js';
import { SettingEntity } from './setting.entity.js';
import { sql } from '@livechat/common';

const VALIDATORS: { [K in SettingId]: (value: unknown) => value is RoutingSettings[K] } = {
  Livechat_Routing_Method: (v): v is RoutingSettings['Livechat_Routing_Method'] =>
    typeof v === 'string' && (ROUTING_METHODS as readonly string[]).includes(v),
  Livechat_accept_chats_with_no_agents: (v): v is boolean => typeof v === 'boolean',
  Livechat_maximum_chats_per_agent: (v): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1_000_000,
  Livechat_enabled_when_agent_idle: (v): v is boolean => typeof v === 'boolean',
  Livechat_enabled: (v): v is boolean => typeof v === 'boolean',
};

/** The settings from their stored rows: the defaults, overridden by what is stored for a known id. */
export function settingsFrom(rows: { id: string; value: unknown }[]): RoutingSettings {
  const loaded: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of rows) if (row.id in VALIDATORS) loaded[row.id] = row.value;
  return loaded as unknown as RoutingSettings;
}

/**
 * The routing settings. Read from the database for every decision, so a change made through one
 * replica takes effect at once on all of them.
 */
@Injectable()
export class SettingsService {
  constructor(
    @InjectRepository(SettingEntity) private readonly settings: Repository<SettingEntity>,
    private readonly capacity: CapacitySignal,
  ) {}

  async load(manager?: EntityManager): Promise<RoutingSettings> {
    return settingsFrom(await (manager ? manager.getRepository(SettingEntity) : this.settings).find());
  }

  /** Sets one setting; an unknown id or a value of the wrong type is refused. */
  async set(id: string, value: unknown): Promise<void> {
    const validate = Object.hasOwn(VALIDATORS, id) ? VALIDATORS[id as SettingId] : undefined;
    if (!validate || !validate(value)) throw new RpcException(ERRORS.invalidSetting);
    await sql(this.settings.manager,
      `INSERT INTO routing.settings (id, value) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value`,
      [id, JSON.stringify(value)],
    );
    // Any setting may make an agent eligible (a raised limit, idle agents allowed, a method change).
    this.capacity.changed();
  }
}
