import 'reflect-metadata';
import { BaseConfig } from './base.config.js';
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
