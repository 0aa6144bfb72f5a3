/**
 * Counts what a service process sends to PostgreSQL, for bench/new-room-cost.ts. Loaded into every
 * service with `node --import <this file>` (LIVECHAT_NODE_ARGS); never in production.
 *
 * Every `pg` Client#query call is one round trip (node-postgres sends a query's messages and waits for
 * its answer); a simple query without parameters may hold several statements separated by `;`. On
 * SIGUSR2 the process writes its counts so far to `$LIVECHAT_COUNT_DIR/<service>-<pid>.json`
 * (synchronously, before answering anything else): round trips, statements, and statements by their
 * first words (`BEGIN`, `COMMIT`, `INSERT INTO rooms.rooms`, …).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const counts = { roundTrips: 0, statements: 0, byKind: {} };
const original = pg.Client.prototype.query;

pg.Client.prototype.query = function countedQuery(config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  if (typeof text === 'string') {
    counts.roundTrips += 1;
    const hasValues = Array.isArray(values) ? values.length > 0 : Array.isArray(config?.values) && config.values.length > 0;
    const statements = hasValues ? [text] : text.split(';').filter((s) => s.trim() !== '');
    for (const statement of statements) {
      counts.statements += 1;
      const kind = kindOf(statement);
      counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    }
  }
  return original.call(this, config, values, callback);
};

/** The statement's first words, enough to tell the statements of the new-room path apart. */
function kindOf(statement) {
  const words = statement.replace(/--[^\n]*/g, ' ').trim().split(/\s+/);
  const first = (words[0] ?? '').toUpperCase();
  if (first === 'WITH') {
    // Name the CTE statement by the first table it writes or reads.
    const target = statement.match(/\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+([\w.]+)/i) ?? statement.match(/\bFROM\s+([\w.]+)/i);
    return `WITH … ${target ? target[1] : ''}`.trim();
  }
  if (first === 'SELECT') {
    const from = statement.match(/\bFROM\s+([\w.]+)/i);
    const call = statement.match(/^\s*SELECT\s+([\w.]+)\(/i);
    return `SELECT ${from ? from[1] : call ? `${call[1]}()` : ''}`.trim();
  }
  if (first === 'INSERT') return `INSERT INTO ${words[2] ?? ''}`;
  if (first === 'UPDATE') return `UPDATE ${words[1] ?? ''}`;
  if (first === 'DELETE') return `DELETE FROM ${words[2] ?? ''}`;
  return first;
}

const dir = process.env.LIVECHAT_COUNT_DIR;
if (dir) {
  process.on('SIGUSR2', () => {
    const service = process.argv[1]?.match(/apps\/(\w+)\/src\/main\.js$/)?.[1] ?? 'process';
    writeFileSync(join(dir, `${service}-${process.pid}.json`), JSON.stringify(counts));
  });
}
