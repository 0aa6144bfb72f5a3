import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthCheckAttempt, type HealthIndicatorResult } from '@nestjs/terminus';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How long a readiness check may wait for one dependency before calling it down. */
export const CHECK_TIMEOUT_MS = 1_000;

const NS_PER_MS = 1e6;

/**
 * Health indicators shared by the services, on top of terminus: liveness of the process, and the
 * NATS side of readiness (a connection's round trip, a JetStream durable consumer's info).
 */
@Injectable()
export class HealthIndicators {
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  private readonly managers = new WeakMap<NatsConnection, Promise<JetStreamManager>>();

  constructor(private readonly health: HealthIndicatorService) {
    this.loopDelay.enable();
  }

  /**
   * Liveness: the process is up and its event loop turns (it answered this request). The event-loop
   * delay since the previous check is reported, not judged: a busy process is alive, and a stuck one
   * cannot answer at all, which is what the probe's own timeout detects.
   */
  process(key = 'process'): HealthIndicatorResult<string> {
    const delay = { p99Ms: round(this.loopDelay.percentile(99) / NS_PER_MS), maxMs: round(this.loopDelay.max / NS_PER_MS) };
    this.loopDelay.reset();
    return this.health.check(key).up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()), eventLoopDelay: delay });
  }

  /** The NATS connection is up and answers a PING within the deadline. */
  nats(key: string, connection: () => NatsConnection | null | undefined): HealthCheckAttempt<string> {
    return this.health
      .check(key)
      .attempt(async () => {
        const nc = connection();
        if (!nc) throw new Error('not connected');
        return { rttMs: await nc.rtt() };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  /** The JetStream durable consumer exists and its info is reachable; its backlog is reported. */
  consumer(key: string, nc: NatsConnection, stream: string, durable: string): HealthCheckAttempt<string> {
    return this.health
      .check(key)
      .attempt(async () => {
        const info = await (await this.manager(nc)).consumers.info(stream, durable);
        return { stream, durable, pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  private manager(nc: NatsConnection): Promise<JetStreamManager> {
    let manager = this.managers.get(nc);
    if (!manager) {
      manager = jetstreamManager(nc, { checkAPI: false, timeout: CHECK_TIMEOUT_MS });
      this.managers.set(nc, manager);
    }
    return manager;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
