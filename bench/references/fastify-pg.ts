/**
 * Reference (a): one process, Fastify and a pg pool, answering the hot path itself.
 * Environment: PORT, DATABASE_URL, DATABASE_POOL_SIZE (as the product's rooms service).
 */
import Fastify from 'fastify';
import pg from 'pg';
import { lookUpRoom } from './room-lookup.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
const app = Fastify();

app.get('/api/v1/livechat/room', async (req, reply) => {
  const { status, body } = await lookUpRoom(pool, (req.query as Record<string, unknown>).token);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('ready');
