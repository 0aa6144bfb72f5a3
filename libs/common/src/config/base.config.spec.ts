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
