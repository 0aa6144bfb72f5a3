/**
 * Publishes made during one turn of the event loop, done together at its end (`setImmediate`): the
 * NATS client writes what was published in one turn of its microtask queue as one frame, but the
 * requests of a busy service arrive in separate I/O callbacks, each followed by its own microtask
 * turn, so each would be a write (a system call, and a wake-up of the NATS server) of its own.
 * Deferred to the end of the turn, they go out as one. The delay is the rest of the current turn.
 */
export class PublishBatch {
  private queue: (() => void)[] = [];

  add(publish: () => void): void {
    if (this.queue.length === 0) setImmediate(this.flush);
    this.queue.push(publish);
  }

  private readonly flush = (): void => {
    const queue = this.queue;
    this.queue = [];
    for (const publish of queue) publish();
  };
}
