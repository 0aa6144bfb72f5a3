import { DatabaseConfig } from '@livechat/common';
import { IsInt, Max, Min } from 'class-validator';

export class RoutingConfig extends DatabaseConfig {
  /** Safety-net sweep of the queue; the queue is normally served by events, not by this timer. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  QUEUE_SWEEP_MS: number = 5_000;

  /**
   * How long capacity reserved for a new room served at once waits for rooms' insert (on the
   * database's clock). Past it, rooms can no longer insert the room served, and the sweeper settles it.
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  RESERVATION_TTL_MS: number = 5_000;

  /** How often each replica settles reservations past their deadline that nothing confirmed. */
  @IsInt()
  @Min(50)
  @Max(600_000)
  RESERVATION_SWEEP_MS: number = 1_000;

  /** Port of the HTTP listener for /health/live, /health/ready and /metrics; 0 takes a free port. */
  @IsInt()
  @Min(0)
  @Max(65_535)
  HEALTH_PORT: number = 3102;
}

export const ROUTING_CONFIG = Symbol('ROUTING_CONFIG');
