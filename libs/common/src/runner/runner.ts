import type { Logger } from '@nestjs/common';
import { outsideRequest } from '../logging/request-context.js';
import { backoffDelay, type Backoff } from './backoff.js';

/** What a pass asks for next: nothing until the next request, another pass at once, or another after a pause. */
export type NextPass = void | 'again' | { afterMs: number };

export interface RunnerOptions {
  /** What a pass does, for the log lines ("relay", "queue pass"). */
  name: string;
  logger: Logger;
  /** The pauses between failed passes. */
  backoff: Backoff;
  /** A pass is also requested this often: the safety net for work that no request announced. */
  everyMs?: number;
  /** How a failure reads in the log (its message, by default). */
  describe?: (err: unknown) => string;
}

/**
 * One background loop (an outbox relay, a queue dispatcher, a consumer's pull session, a sweep):
 * passes of `pass`, one at a time, each when asked. `request()` asks without waiting; requests that
 * arrive while a pass runs fold into one more pass. The passes run outside the request that asked
 * (they serve everyone's work, not that request's). A failed pass is tried again after the
 * back-off, a success resets it; the first three failures in a row are logged, then every tenth.
 * `stop()` ends the loop: it cuts a pause short and waits for the pass in progress.
 */
export class Runner {
  private requested = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failed = 0;
  /** Cuts the pause in progress short. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly options: RunnerOptions,
    private readonly pass: () => Promise<NextPass>,
  ) {}

  /** True once `stop()` was called: a long pass checks it to end early. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Failed passes in a row, 0 after a success. */
  get failures(): number {
    return this.failed;
  }

  /** Starts the periodic requests (`everyMs`) and asks for a first pass. */
  start(): void {
    if (this.options.everyMs !== undefined) {
      this.timer = setInterval(() => this.request(), this.options.everyMs);
      this.timer.unref();
    }
    this.request();
  }

  /** Asks for a pass soon, without waiting for it. */
  request(): void {
    this.requested = true;
    this.kick();
  }

  /** Within a long pass (a pull session): it is under way and healthy, so the next failure starts the back-off afresh. */
  healthy(): void {
    this.recovered();
  }

  /** Stops at once: no new pass, no periodic request; waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.wake?.();
    await this.running;
  }

  /**
   * Starts the loop unless it runs. A request that arrives after the loop's last check but before
   * `running` is cleared (a microtask later) starts it again here, so no request waits for the next one.
   */
  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = outsideRequest(() => this.loop()).finally(() => {
      this.running = null;
      if (this.requested) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.requested && !this.stopped) {
      this.requested = false;
      try {
        const next = await this.pass();
        this.recovered();
        if (next === 'again') this.requested = true;
        else if (next) {
          this.requested = true;
          await this.pause(next.afterMs);
        }
      } catch (err) {
        if (this.stopped) break;
        this.failed += 1;
        const delay = backoffDelay(this.options.backoff, this.failed);
        if (this.failed <= 3 || this.failed % 10 === 0) {
          const why = this.options.describe?.(err) ?? (err instanceof Error ? err.message : String(err));
          this.options.logger.warn(`${this.options.name} failed (attempt ${this.failed}, again in ${delay} ms): ${why}`);
        }
        this.requested = true;
        await this.pause(delay);
      }
    }
  }

  private recovered(): void {
    if (this.failed > 0) this.options.logger.log(`${this.options.name} works again after ${this.failed} failed attempts`);
    this.failed = 0;
  }

  /** Waits `ms`, or less when the runner stops. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = null));
  }
}
