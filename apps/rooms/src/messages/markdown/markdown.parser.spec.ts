import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expectEventually } from '../../../../../harness/eventually.js';
import { MarkdownParser } from './markdown.parser.js';

/** The pool runs the TypeScript worker through tsx, as vitest runs the sources. */
function parser(budgetMs: number): MarkdownParser {
  return new MarkdownParser({
    budgetMs,
    threads: 2,
    workerUrl: new URL('./markdown.worker.ts', import.meta.url),
    execArgv: ['--import', 'tsx'],
  });
}

// Generous timeouts: the workers boot through tsx, which takes seconds on a loaded machine.
describe('MarkdownParser', { timeout: 90_000 }, () => {
  let markdown: MarkdownParser;

  beforeAll(() => {
    // A budget far above the parse: the first one also waits for the workers to boot (through tsx here).
    markdown = parser(30_000);
  });
  afterAll(() => markdown.onApplicationShutdown());

  it("answers the reference parser's tree, as in the reference's example message", async () => {
    expect(await markdown.parse('d')).toEqual([{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: 'd' }] }]);
    const tree = await markdown.parse('hi *there* https://rocket.chat :)');
    expect(tree).toEqual([
      {
        type: 'PARAGRAPH',
        value: [
          { type: 'PLAIN_TEXT', value: 'hi ' },
          { type: 'BOLD', value: [{ type: 'PLAIN_TEXT', value: 'there' }] },
          { type: 'PLAIN_TEXT', value: ' ' },
          { type: 'LINK', value: { src: { type: 'PLAIN_TEXT', value: 'https://rocket.chat' }, label: [{ type: 'PLAIN_TEXT', value: 'https://rocket.chat' }] } },
          { type: 'PLAIN_TEXT', value: ' ' },
          { type: 'EMOJI', value: { type: 'PLAIN_TEXT', value: ':)' }, shortCode: 'slight_smile' },
        ],
      },
    ]);
  });

  it('answers a message the parser is slow on with a plain paragraph within the budget, without blocking the event loop', async () => {
    const fast = parser(150);
    try {
      // Wait until the workers are up (a parse answered by the parser, not the fallback).
      await expectEventually(async () => expect((await fast.parse('*up*'))[0]).toMatchObject({ value: [{ type: 'BOLD' }] }), { timeoutMs: 60_000, intervalMs: 200 });
      const hostile = '['.repeat(10_000); // several seconds in the parser
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = performance.now();
      const tree = await fast.parse(hostile);
      const took = performance.now() - started;
      delay.disable();
      expect(tree).toEqual([{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: hostile }] }]);
      // The budget, plus what a loaded shared machine adds; far below the parser's 5.8 s, which would also block the loop.
      expect(took).toBeLessThan(4_000);
      expect(delay.max / 1e6).toBeLessThan(1_000);
      // The stopped worker is replaced (booting one may take longer than this small budget): the pool parses again.
      await expectEventually(
        async () => expect(await fast.parse('_ok_')).toEqual([{ type: 'PARAGRAPH', value: [{ type: 'ITALIC', value: [{ type: 'PLAIN_TEXT', value: 'ok' }] }] }]),
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      await fast.onApplicationShutdown();
    }
  });
});
