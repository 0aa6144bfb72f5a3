/**
 * Reference (b), its database half: a NATS queue subscriber with a pg pool doing the lookup.
 * Environment: NATS_URL, DATABASE_URL, DATABASE_POOL_SIZE.
 */
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { lookUpRoom, REFERENCE_SUBJECT } from './room-lookup.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
const nc = await connect({ servers: process.env.NATS_URL });

nc.subscribe(REFERENCE_SUBJECT, {
  queue: 'bench-reference',
  callback: (err, msg) => {
    if (err) return;
    const { token } = msg.json<{ token: unknown }>();
    lookUpRoom(pool, token).then(
      (reply) => msg.respond(JSON.stringify(reply)),
      () => msg.respond(JSON.stringify({ status: 503, body: '{"success":false,"error":"service-unavailable"}' })),
    );
  },
});
await nc.flush();
console.log('ready');
