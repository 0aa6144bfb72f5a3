import { Injectable } from '@nestjs/common';

/**
 * "Waiting rooms may be served now": said once, after its commit, by the owner of a change that can
 * free or add capacity or make an agent eligible (an agent's status, a closed room or a reservation
 * given back, a setting, a department, a room queued), and heard by the queue dispatcher, which runs
 * a pass. The owners of those changes need not know the queue.
 */
@Injectable()
export class CapacitySignal {
  private readonly listeners: (() => void)[] = [];

  /** Says that capacity or eligibility changed (committed). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` at every change. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
