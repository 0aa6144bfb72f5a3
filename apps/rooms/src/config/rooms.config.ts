import { DatabaseConfig } from '@livechat/common';
import { IsInt, Max, Min } from 'class-validator';

export class RoomsConfig extends DatabaseConfig {
  /** How long a new room waits for routing's admission before opening without it. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  ADMISSION_TIMEOUT_MS: number = 1_000;

  /**
   * The longest a message waits for its markdown tree (`md`), queueing included, before it is stored
   * with a plain paragraph instead: the reference's parser is quadratic on some legal messages.
   */
  @IsInt()
  @Min(10)
  @Max(10_000)
  MARKDOWN_BUDGET_MS: number = 250;

  /** Worker threads that parse messages' markdown. */
  @IsInt()
  @Min(1)
  @Max(16)
  MARKDOWN_THREADS: number = 2;

  /** Port of the HTTP listener for /health/live, /health/ready and /metrics; 0 takes a free port. */
  @IsInt()
  @Min(0)
  @Max(65_535)
  HEALTH_PORT: number = 3101;
}

export const ROOMS_CONFIG = Symbol('ROOMS_CONFIG');
