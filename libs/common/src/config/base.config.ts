import { IsIn, IsInt, IsUrl, Max, Min } from 'class-validator';

/** Settings every service reads. Each service extends this with its own. */
export class BaseConfig {
  @IsUrl({ protocols: ['nats', 'tls', 'ws', 'wss'], require_tld: false }, { message: 'NATS_URL must be a nats:// URL' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  @IsInt({ message: 'RPC_TIMEOUT_MS must be a whole number of milliseconds' })
  @Min(50)
  @Max(60_000)
  RPC_TIMEOUT_MS: number = 5_000;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
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
}
