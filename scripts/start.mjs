#!/usr/bin/env node
// Runs the whole stack on this machine: checks that PostgreSQL and NATS answer, then starts
// gateway, rooms and routing as separate processes with prefixed logs. Ctrl-C stops all three.
// Each service applies its own migrations at start-up.
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import concurrently from 'concurrently';
import pg from 'pg';

const env = {
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  PORT: process.env.PORT ?? '3000',
  // Human-readable lines here; the services' default (and production's) is one JSON object a line.
  LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
if (!process.env.LIVECHAT_ADMIN_TOKEN) {
  env.LIVECHAT_ADMIN_TOKEN = randomBytes(18).toString('base64url');
  console.log(`LIVECHAT_ADMIN_TOKEN is not set: operators use X-Auth-Token: ${env.LIVECHAT_ADMIN_TOKEN}`);
}

async function checkPostgres() {
  const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    return `PostgreSQL is not reachable at ${redact(env.DATABASE_URL)} (${err.message}).
  Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  or point DATABASE_URL at a running server.`;
  } finally {
    await client.end().catch(() => {});
  }
  return null;
}

async function checkNats() {
  try {
    const nc = await connect({ servers: env.NATS_URL.split(',').map((server) => server.trim()), reconnect: false, timeout: 3000 });
    await nc.close();
  } catch (err) {
    return `NATS is not reachable at ${env.NATS_URL} (${err.message}).
  Start it (with JetStream) with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  or point NATS_URL at a running server.`;
  }
  return null;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

const problems = (await Promise.all([checkPostgres(), checkNats()])).filter(Boolean);
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}

const service = (name) => ({
  name,
  command: `node dist/apps/${name}/apps/${name}/src/main.js`,
  env,
});
const { result } = concurrently([service('rooms'), service('routing'), service('gateway')], {
  prefix: '[{name}]',
  killOthersOn: ['failure'],
  prefixColors: ['cyan', 'magenta', 'green'],
});
result.then(
  () => process.exit(0),
  (events) => process.exit(events.some((e) => e.exitCode !== 0 && e.exitCode !== 'SIGINT' && e.exitCode !== 'SIGTERM') ? 1 : 0),
);
