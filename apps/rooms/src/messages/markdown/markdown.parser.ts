import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { MarkdownNode } from '@livechat/contracts';
import { Piscina } from 'piscina';
import { plainParagraph } from './markdown.options.js';

export const MARKDOWN_OPTIONS = Symbol('MARKDOWN_OPTIONS');

export interface MarkdownOptions {
  /** The longest a message may wait for its tree, queueing included; then `md` is a plain paragraph. */
  budgetMs: number;
  /** Worker threads parsing at most at once. */
  threads: number;
  /** The worker module (defaults to the compiled markdown.worker.js beside this file). */
  workerUrl?: URL;
  /** Node flags for the workers (tests running the TypeScript sources pass a loader). */
  execArgv?: string[];
}

/**
 * `md` (docs/api.md#markdown-md) from the reference's own parser, `@rocket.chat/message-parser`, never stalling the
 * service. That parser is quadratic in unbroken runs of markup characters (measured here: 10 000 `[`
 * take 5.8 s, 10 000 `_` 4.2 s), and it is synchronous: on the event loop, one legal message would
 * hold up every request of the replica. So every message is parsed in a small pool of worker threads
 * (piscina), under a deadline that counts from the moment it is asked, queueing included: a message
 * the parser cannot answer in time gets a plain paragraph of its text, and the worker stuck on it is
 * stopped (piscina terminates the thread and starts another). The event loop only waits; a hostile
 * message costs at most the budget of one thread. Heuristics on the text (refusing long runs of `[`)
 * were not chosen: the slow inputs are not one pattern (`a_` repeated is slow too), a deadline
 * covers the ones nobody has found yet.
 */
@Injectable()
export class MarkdownParser implements OnApplicationShutdown {
  private readonly logger = new Logger('Markdown');
  private readonly pool: Piscina<string, MarkdownNode[]>;

  constructor(@Inject(MARKDOWN_OPTIONS) private readonly options: MarkdownOptions) {
    this.pool = new Piscina({
      filename: (options.workerUrl ?? new URL('./markdown.worker.js', import.meta.url)).href,
      // All threads stay started: a replacement for a stopped one boots while the others answer.
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: 60_000,
      execArgv: options.execArgv,
    });
  }

  /** The message's tree, or a plain paragraph of it when the parser did not answer within the budget. */
  async parse(msg: string): Promise<MarkdownNode[]> {
    try {
      return await this.pool.run(msg, { signal: AbortSignal.timeout(this.options.budgetMs) });
    } catch (err) {
      // Timed out (the worker was stopped), or the parser threw: the reference stores no tree then;
      // a plain paragraph keeps the message readable by clients that render `md`.
      if ((err as Error).name !== 'AbortError') this.logger.warn(`message parser failed, plain paragraph used: ${String(err)}`);
      return plainParagraph(msg);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }
}
