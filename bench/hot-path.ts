/**
 * Hot path: `GET /api/v1/livechat/room?token=…` for visitors who already have an open room, through
 * the whole stack (gateway → NATS → rooms → PostgreSQL), closed loop at a fixed concurrency.
 *
 *   npm run build && npm run bench:hot-path -- [--visitors 2000] [--concurrency 32] [--seconds 5]
 *
 * Prints requests/s and latency percentiles; writes bench/results/hot-path.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Api } from '../test/support/http.js';
import { ADMIN_TOKEN, TestStack } from '../test/support/stack.js';
import { summarize } from './support/percentiles.js';

const { values: args } = parseArgs({
  options: {
    visitors: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '5' },
  },
});

const stack = await TestStack.start({ env: { LIVECHAT_FAULT: '' } });
try {
  const api = new Api(stack.baseUrl, ADMIN_TOKEN);
  await api.createAgent('hot-path-agent');
  const tokens: string[] = [];
  for (let i = 0; i < Number(args.visitors); i += 100) {
    const batch = Array.from({ length: Math.min(100, Number(args.visitors) - i) }, (_, j) => `hot-${i + j}`);
    await Promise.all(batch.map(async (token) => {
      await api.registerVisitor({ token });
      await api.room({ token });
    }));
    tokens.push(...batch);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: Number(args.concurrency) });
  const url = new URL(stack.baseUrl);
  const get = (token: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: `/api/v1/livechat/room?token=${token}`, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: Number(args.concurrency) }, async () => {
      while (performance.now() < deadline) {
        const token = tokens[Math.floor(Math.random() * tokens.length)];
        const t0 = performance.now();
        const status = await get(token).catch(() => 0);
        latencies.push(performance.now() - t0);
        if (status !== 200) errors += 1;
      }
    }));
    return { requestsPerSecond: Math.round(latencies.length / seconds), errors, latencyMs: summarize(latencies) };
  };
  await run(1); // warm-up
  const result = await run(Number(args.seconds));
  const { latencyMs, ...totals } = result;
  console.table([{ ...totals, ...latencyMs }]);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'hot-path.json'), JSON.stringify({ timestamp: new Date().toISOString(), args, result }, null, 2));
} finally {
  await stack.stop();
}
