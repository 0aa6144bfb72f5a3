import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expectEventually } from '../../../../../test/support/eventually.js';
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

describe('MarkdownParser', () => {
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
      await fast.parse('warm up');
      const hostile = '['.repeat(10_000); // several seconds in the parser
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = performance.now();
      const tree = await fast.parse(hostile);
      const took = performance.now() - started;
      delay.disable();
      expect(tree).toEqual([{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: hostile }] }]);
      // The budget, plus what a shared machine adds; far below the parser's seconds.
      expect(took).toBeLessThan(1_500);
      expect(delay.max / 1e6).toBeLessThan(500);
      // The stopped worker is replaced (booting one may take longer than this small budget): the pool parses again.
      await expectEventually(async () =>
        expect(await fast.parse('_ok_')).toEqual([{ type: 'PARAGRAPH', value: [{ type: 'ITALIC', value: [{ type: 'PLAIN_TEXT', value: 'ok' }] }] }]),
      );
    } finally {
      await fast.onApplicationShutdown();
    }
  });
});
