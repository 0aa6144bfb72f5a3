/**
 * What an agent's credentials cost a request (docs/api.md#agents-sign-in). The same request, `GET livechat/rooms` for
 * one agent's rooms (one page, one indexed statement in rooms), sent two ways:
 *   operator: `X-Auth-Token` = the operator token, `?agents[]=<id>` (checked in the gateway, a hash compare);
 *   agent:    the agent's `X-User-Id` + `X-Auth-Token` (checked by routing: one more NATS request and
 *             one indexed read of the agent's token hashes, for every request: nothing is cached).
 * Rounds alternate (operator, agent, agent, operator…), each `--seconds` of closed-loop load from
 * `--connections` keep-alive connections (autocannon), after a warm-up. Per mode: the median of its
 * rounds' requests/s, p50 and p99, and the CPU per request of gateway, routing and rooms read from
 * /proc around each round. The ratios agent/operator are the figure; the absolute numbers are the
 * machine's.
 *
 *   npm run build
 *   npx tsx bench/agent-auth.ts [--seconds 5] [--connections 16] [--rounds 3]
 */
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { expectEventually } from '../harness/eventually.js';
import { Api } from '../harness/http.js';
import { ADMIN_TOKEN, TestStack, type ServiceName } from '../harness/stack.js';
import { cpuPerRequest, readCpu } from './support/cpu.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const RESULT_FILE = join(dirname(fileURLToPath(import.meta.url)), 'results', 'agent-auth.json');
const SERVICES: ServiceName[] = ['gateway', 'routing', 'rooms'];

type Mode = 'operator' | 'agent';

interface Round {
  mode: Mode;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosPerRequest: Record<string, number>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const stack = await TestStack.start();
try {
  const api = new Api(stack.baseUrl, ADMIN_TOKEN);
  const agentId = await api.createAgent('bench-agent');
  const credentials = await api.createToken(agentId);
  const token = `bench-visitor-${Date.now()}`;
  await api.registerVisitor({ token });
  const { room } = (await api.room({ token })).body;
  // Served by the only agent (asynchronously): their rooms list then has this one room.
  await expectEventually(async () => {
    if (!(await api.room({ token, rid: room._id })).body.room.servedBy) throw new Error('not served yet');
  });
  const requests: Record<Mode, { path: string; headers: Record<string, string> }> = {
    operator: { path: `/api/v1/livechat/rooms?agents[]=${agentId}&count=1`, headers: { 'x-auth-token': ADMIN_TOKEN } },
    agent: { path: '/api/v1/livechat/rooms?count=1', headers: { 'x-user-id': credentials.userId, 'x-auth-token': credentials.authToken } },
  };
  for (const mode of ['operator', 'agent'] as Mode[]) {
    const check = await api.get<{ total: number }>(requests[mode].path, { headers: requests[mode].headers });
    if (check.status !== 200 || check.body.total !== 1) throw new Error(`${mode}: ${check.status} ${JSON.stringify(check.body)}`);
  }

  const run = async (mode: Mode, seconds: number): Promise<Round> => {
    const groups = SERVICES.map((name) => ({ name, pids: () => [stack.service(name).pid!] }));
    const before = await readCpu(groups);
    const result = await autocannon({
      url: `${stack.baseUrl}${requests[mode].path}`,
      headers: requests[mode].headers,
      connections: CONNECTIONS,
      duration: seconds,
    });
    const after = await readCpu(groups);
    if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    const answered = result['2xx'];
    return {
      mode,
      requestsPerSecond: Math.round(answered / seconds),
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuMicrosPerRequest: cpuPerRequest(before, after, answered),
    };
  };

  await run('operator', 2);
  await run('agent', 2);
  const rounds: Round[] = [];
  const order: Mode[] = Array.from({ length: ROUNDS * 2 }, (_, i) => (Math.floor((i + 1) / 2) % 2 === 0 ? 'operator' : 'agent'));
  for (const mode of order) {
    const round = await run(mode, SECONDS);
    rounds.push(round);
    console.log(`${mode.padEnd(8)} ${round.requestsPerSecond} req/s  p50 ${round.p50} ms  p99 ${round.p99} ms  CPU µs/req ${JSON.stringify(round.cpuMicrosPerRequest)}`);
  }
  const summary = Object.fromEntries(
    (['operator', 'agent'] as Mode[]).map((mode) => {
      const own = rounds.filter((r) => r.mode === mode);
      return [
        mode,
        {
          requestsPerSecond: median(own.map((r) => r.requestsPerSecond)),
          p50: median(own.map((r) => r.p50)),
          p99: median(own.map((r) => r.p99)),
          cpuMicrosPerRequest: Object.fromEntries(SERVICES.map((name) => [name, median(own.map((r) => r.cpuMicrosPerRequest[name]))])),
        },
      ];
    }),
  ) as Record<Mode, Omit<Round, 'mode'>>;
  const ratios = {
    requestsPerSecond: +(summary.agent.requestsPerSecond / summary.operator.requestsPerSecond).toFixed(2),
    p50: +(summary.agent.p50 / summary.operator.p50).toFixed(2),
    p99: +(summary.agent.p99 / summary.operator.p99).toFixed(2),
  };
  console.log('median operator', JSON.stringify(summary.operator));
  console.log('median agent   ', JSON.stringify(summary.agent));
  console.log('agent / operator', JSON.stringify(ratios));
  mkdirSync(dirname(RESULT_FILE), { recursive: true });
  writeFileSync(
    RESULT_FILE,
    `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, loadavg: loadavg() }, seconds: SECONDS, connections: CONNECTIONS, rounds, summary, ratios }, null, 2)}\n`,
  );
} finally {
  await stack.stop();
}
