import 'reflect-metadata';
import { BaseConfig, DatabaseConfig, natsServers } from './base.config.js';
import { ConfigError, loadConfig } from './load-config.js';

describe('METRICS_ENABLED', () => {
  it('is on when unset', () => {
    expect(loadConfig(BaseConfig, {}).METRICS_ENABLED).toBe(true);
  });

  it.each([
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['true', true],
    ['1', true],
  ])('reads %s as %s', (raw, expected) => {
    expect(loadConfig(BaseConfig, { METRICS_ENABLED: raw }).METRICS_ENABLED).toBe(expected);
  });

  it('refuses anything else, saying what it must be', () => {
    expect(() => loadConfig(BaseConfig, { METRICS_ENABLED: 'nope' })).toThrow(ConfigError);
    expect(() => loadConfig(BaseConfig, { METRICS_ENABLED: 'nope' })).toThrow(/METRICS_ENABLED must be true or false/);
  });
});

describe('LOG_LEVEL and LOG_FORMAT', () => {
  it('default to info and json', () => {
    const config = loadConfig(BaseConfig, {});
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.LOG_FORMAT).toBe('json');
  });

  it.each(['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose', 'trace', 'silent'])('accepts the level %s (Nest and pino names)', (level) => {
    expect(loadConfig(BaseConfig, { LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
  });

  it('refuses an unknown level or format, saying what they may be', () => {
    expect(() => loadConfig(BaseConfig, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, log, info/);
    expect(() => loadConfig(BaseConfig, { LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be one of json, pretty/);
  });

  it('accepts the pretty format', () => {
    expect(loadConfig(BaseConfig, { LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
  });
});

describe('NATS_URL', () => {
  it('takes one server', () => {
    expect(loadConfig(BaseConfig, { NATS_URL: 'nats://127.0.0.1:4222' }).NATS_URL).toBe('nats://127.0.0.1:4222');
  });

  it('takes the nodes of a cluster, comma-separated, in any of the schemes', () => {
    const url = 'nats://nats-1:4222, nats://nats-2:4222,tls://nats-3.example.com:4222,ws://127.0.0.1:8080,wss://nats.example.com';
    expect(loadConfig(BaseConfig, { NATS_URL: url }).NATS_URL).toBe(url);
    expect(natsServers(url)).toEqual([
      'nats://nats-1:4222',
      'nats://nats-2:4222',
      'tls://nats-3.example.com:4222',
      'ws://127.0.0.1:8080',
      'wss://nats.example.com',
    ]);
  });

  it.each([
    ['a server without a scheme', 'nats://127.0.0.1:4222,127.0.0.1:4223'],
    ['an empty entry', 'nats://127.0.0.1:4222,,nats://127.0.0.1:4223'],
    ['a trailing comma', 'nats://127.0.0.1:4222,'],
    ['another scheme', 'nats://127.0.0.1:4222,http://127.0.0.1:4223'],
    ['no server at all', ''],
  ])('refuses a list with %s, saying what each entry must be', (_, url) => {
    expect(() => loadConfig(BaseConfig, { NATS_URL: url })).toThrow(/NATS_URL must be a nats:\/\/, tls:\/\/, ws:\/\/ or wss:\/\/ URL, or several separated by commas/);
  });
});

describe('NATS_STREAM_REPLICAS', () => {
  it('is 1 when unset (one NATS server)', () => {
    expect(loadConfig(DatabaseConfig, {}).NATS_STREAM_REPLICAS).toBe(1);
  });

  it('takes 3 for a 3-node cluster', () => {
    expect(loadConfig(DatabaseConfig, { NATS_STREAM_REPLICAS: '3' }).NATS_STREAM_REPLICAS).toBe(3);
  });

  it.each(['0', '6', '2.5', 'three'])('refuses %s', (raw) => {
    expect(() => loadConfig(DatabaseConfig, { NATS_STREAM_REPLICAS: raw })).toThrow(/NATS_STREAM_REPLICAS must be a whole number of replicas \(1 to 5\)/);
  });
});
