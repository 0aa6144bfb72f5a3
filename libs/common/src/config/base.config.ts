import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, IsUrl, Max, Min } from 'class-validator';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevelName } from '../logging/logging.js';

/** `true`/`false` (or 1/0) from the environment; anything else is left for the validator to refuse. */
function parseBoolean({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown {
  const raw = obj[key];
  if (raw === undefined || typeof raw === 'boolean') return raw;
  const text = String(raw).trim().toLowerCase();
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : raw;
}

/** Settings every service reads. Each service extends this with its own. */
export class BaseConfig {
  @IsUrl({ protocols: ['nats', 'tls', 'ws', 'wss'], require_tld: false }, { message: 'NATS_URL must be a nats:// URL' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  @IsInt({ message: 'RPC_TIMEOUT_MS must be a whole number of milliseconds' })
  @Min(50)
  @Max(60_000)
  RPC_TIMEOUT_MS: number = 5_000;

  /** Nest's level names (`log`, `verbose`) or pino's (`info`, `trace`, `silent`): see pinoLevel(). */
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevelName = 'info';

  /** `json`: one JSON object a line; `pretty`: human-readable lines, for development (`npm start`). */
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT: LogFormat = 'json';

  /** Prometheus metrics at GET /metrics, and the per-request instrumentation behind them. */
  @Transform(parseBoolean)
  @IsBoolean({ message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED: boolean = true;
}

/** Settings of a service that owns tables. */
export class DatabaseConfig extends BaseConfig {
  @IsUrl(
    { protocols: ['postgres', 'postgresql'], require_tld: false, require_valid_protocol: true },
    { message: 'DATABASE_URL must be a postgres:// URL' },
  )
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/postgres';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 20;

  @IsInt()
  @Min(10)
  @Max(60_000)
  OUTBOX_POLL_MS: number = 1_000;

  /** How long a consumed event may stay unacknowledged (its handler died) before JetStream redelivers it. */
  @IsInt()
  @Min(1)
  @Max(3_600)
  CONSUMER_ACK_WAIT_SECONDS: number = 30;

  /** At most this many consumed events are handled together, in one transaction (a burst, a queue draining). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  CONSUMER_MAX_BATCH: number = 500;

  /** Bind address of the service's HTTP listener (health and metrics); its port is HEALTH_PORT. */
  @IsString()
  HEALTH_HOST: string = '0.0.0.0';
}
