/**
 * Everything a benchmark starts (the stack, reference processes, connections) is stopped at the end,
 * on an error, and on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestStack, type StackOptions } from '../../harness/stack.js';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const cleanup: (() => unknown)[] = [];
let stopping: Promise<void> | undefined;

/** Runs `fn`, then stops all it started; exits 1 if it threw. */
export function runBenchmark(fn: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  fn()
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(stopAll);
}

export function onStop(fn: () => unknown): void {
  cleanup.unshift(fn); // last started, first stopped
}

/** A stack of its own (harness/stack.ts: own database and nats-server, services from dist/). */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const starting = TestStack.start(options);
  onStop(async () => (await starting.catch(() => undefined))?.stop());
  return starting;
}

/** Starts `bench/<script>` (TypeScript, through tsx) and waits for it to print `ready`. */
export function startScript(script: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onStop(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${script} not ready after 20 s:\n${output}`)), 20_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^ready$/m.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
}

function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const fn of cleanup) await Promise.resolve().then(fn).catch(() => undefined);
  })();
  return stopping;
}
