/**
 * Reference (b), its HTTP half: Fastify, forwarding the hot path as one NATS request (the client's
 * shared reply subscription) to split-db.ts, and answering what comes back.
 * Environment: PORT, NATS_URL.
 */
import Fastify from 'fastify';
import { connect } from '@nats-io/transport-node';
import { REFERENCE_SUBJECT, type RoomReply } from './room-lookup.js';

const nc = await connect({ servers: process.env.NATS_URL });
const app = Fastify();

app.get('/api/v1/livechat/room', async (req, reply) => {
  const token = (req.query as Record<string, unknown>).token;
  const msg = await nc.request(REFERENCE_SUBJECT, JSON.stringify({ token }), { timeout: 5_000 });
  const { status, body } = msg.json<RoomReply>();
  return reply.code(status).type('application/json; charset=utf-8').send(body);
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('ready');
