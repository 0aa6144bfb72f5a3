import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, IsUrl, isURL, Max, Min, ValidateBy } from 'class-validator';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevelName } from '../logging/logging.js';

/** `true`/`false` (or 1/0) from the environment; anything else is left for the validator to refuse. */
function parseBoolean({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown {
  const raw = obj[key];
  if (raw === undefined || typeof raw === 'boolean') return raw;
  const text = String(raw).trim().toLowerCase();
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : raw;
}

const NATS_URL_OPTIONS = { protocols: ['nats', 'tls', 'ws', 'wss'], require_protocol: true, require_tld: false };

/** The servers of a NATS_URL: comma-separated, blanks around them ignored. */
export function natsServers(url: string): string[] {
  return url.split(',').map((server) => server.trim());
}

/** One NATS server URL, or several separated by commas (the nodes of a cluster); each must be a URL. */
function IsNatsServerList(): PropertyDecorator {
  return ValidateBy({
    name: 'isNatsServerList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && natsServers(value).every((server) => isURL(server, NATS_URL_OPTIONS)),
      defaultMessage: () => 'NATS_URL must be a nats://, tls://, ws:// or wss:// URL, or several separated by commas (one per cluster node)',
    },
  });
}

/** Settings every service reads. Each service extends this with its own. */
export class BaseConfig {
  /** Every NATS connection of the service gets all of them, and reconnects to whichever is up. */
  @IsNatsServerList()
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

  /**
   * Replicas of the JetStream streams and durable consumers (1 for one NATS server, 3 for a
   * 3-node cluster): they are created with it, and existing ones are brought to it at start-up.
   */
  @IsInt({ message: 'NATS_STREAM_REPLICAS must be a whole number of replicas (1 to 5)' })
  @Min(1, { message: 'NATS_STREAM_REPLICAS must be a whole number of replicas (1 to 5)' })
  @Max(5, { message: 'NATS_STREAM_REPLICAS must be a whole number of replicas (1 to 5)' })
  NATS_STREAM_REPLICAS: number = 1;

  /** At most this many consumed events are handled together, in one transaction (a burst, a queue draining). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  CONSUMER_MAX_BATCH: number = 500;

  /** Bind address of the service's HTTP listener (health and metrics); its port is HEALTH_PORT. */
  @IsString()
  HEALTH_HOST: string = '0.0.0.0';
}
