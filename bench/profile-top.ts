/**
 * Where a process's CPU went, from a V8 `.cpuprofile` (`LIVECHAT_NODE_ARGS="--cpu-prof --cpu-prof-dir=…"`):
 * self time by package (node_modules/<name>, node internals, the product's own code, GC, idle) and the
 * top functions by self time.
 *
 *   npx tsx bench/profile-top.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = packageOf(functionName, url);
    if (where === '(idle)') continue;
    total += us;
    byPackage.set(where, (byPackage.get(where) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms busy`);
  for (const [name, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${pct(us)}  ${name}`);
  console.log('  top functions (self time):');
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) console.log(`  ${pct(us)}  ${name}`);
}

function packageOf(functionName: string, url: string): string {
  if (functionName === '(idle)' || functionName === '(program)' && !url) return functionName === '(idle)' ? '(idle)' : '(program)';
  if (functionName === '(garbage collector)') return '(gc)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:') || (!url.includes('/') && url !== '')) return 'node internals';
  if (url.includes('/dist/')) return 'product (dist)';
  return url ? url : '(native)';
}
