import { Injectable } from '@nestjs/common';
import { Metrics } from '@livechat/common';
import type { Counter, Histogram } from 'prom-client';

/** Seconds from a room's queueing to its agent: 10 ms to an hour. */
const TIME_TO_AGENT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** What this replica did with rooms: opened, closed, and how long rooms waited for their agent. */
@Injectable()
export class RoomsMetrics {
  readonly opened: Counter;
  readonly closed: Counter;
  readonly timeToAgent: Histogram;

  constructor(metrics: Metrics) {
    this.opened = metrics.counter({ name: 'livechat_rooms_opened_total', help: 'Rooms opened (committed) by this replica' });
    this.closed = metrics.counter({ name: 'livechat_rooms_closed_total', help: 'Rooms closed (committed) by this replica' });
    this.timeToAgent = metrics.histogram({
      name: 'livechat_time_to_agent_seconds',
      help: "From a room's queuedAt to its first agent: the routing decision's occurredAt, observed when rooms applies the decision, or the served insert's commit for a room served at once",
      buckets: TIME_TO_AGENT_BUCKETS,
    });
  }
}
