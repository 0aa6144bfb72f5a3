import { DEFAULT_SETTINGS, ROUTING_METHODS, type RoutingSettings, type SettingId } from '@livechat/contracts';

const VALIDATORS: { [K in SettingId]: (value: unknown) => value is RoutingSettings[K] } = {
  Livechat_Routing_Method: (v): v is RoutingSettings['Livechat_Routing_Method'] =>
    typeof v === 'string' && (ROUTING_METHODS as readonly string[]).includes(v),
  Livechat_accept_chats_with_no_agents: (v): v is boolean => typeof v === 'boolean',
  Livechat_maximum_chats_per_agent: (v): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1_000_000,
  Livechat_enabled_when_agent_idle: (v): v is boolean => typeof v === 'boolean',
  Livechat_enabled: (v): v is boolean => typeof v === 'boolean',
};

/** Whether `id` is a setting and `value` a value it may take. */
export function isValidSetting(id: string, value: unknown): value is RoutingSettings[SettingId] {
  return Object.hasOwn(VALIDATORS, id) && VALIDATORS[id as SettingId](value);
}

/** The settings from their stored rows: the defaults, overridden by what is stored for a known id. */
export function settingsFrom(rows: { id: string; value: unknown }[]): RoutingSettings {
  const loaded: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of rows) if (row.id in VALIDATORS) loaded[row.id] = row.value;
  return loaded as unknown as RoutingSettings;
}
