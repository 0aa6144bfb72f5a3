/**
 * The top frames of a V8 CPU profile (`--cpu-prof`), by self time, and the self time of each package
 * (node_modules/<package>, node's internals, the project's own code), as a share of the profile.
 *
 *   npx tsx bench/profile-top.ts prof/CPU.<…>.cpuprofile [--top 25] [--only-busy]
 *
 * `--only-busy` leaves the idle and garbage-collector samples out of the shares, so they read as a
 * share of the time the process spent working.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, 'only-busy': { type: 'boolean', default: false } },
});
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    if (values['only-busy'] && (name === '(idle)' || name === '(program)' || name === '(garbage collector)')) continue;
    total += micros;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${name} ${where}`.trim();
    frames.set(key, (frames.get(key) ?? 0) + micros);
    const pkg = packageOf(frame.url, name);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  }
  const pct = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)} %`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s of samples${values['only-busy'] ? ' (busy only)' : ''}`);
  console.log('\n  self time by package');
  for (const [pkg, micros] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${pct(micros)}  ${pkg}`);
  console.log('\n  top frames by self time');
  for (const [frame, micros] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${pct(micros)}  ${frame}`);
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist !== -1 ? url.slice(dist + 1) : url.replace(/^file:\/\//, '');
}

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return url.includes('/dist/') ? 'livechat (dist)' : url;
}
