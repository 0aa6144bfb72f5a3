/**
 * Reference (c) for the messages stage: one process, Fastify and a pg pool, doing what the product's
 * rooms service does for a visitor's message, by hand: in one transaction, the visitor's room locked
 * by its id and token, the message inserted (its id the client's when given: a retry inserts
 * nothing), the room's msgs, lm, lastMessage, v.lastMessageTs and _updatedAt updated; and a room's
 * history page, newest first, before a date. No markdown parser, no event, no metrics rules: the
 * floor of the same database work over HTTP.
 * Environment: PORT, DATABASE_URL, DATABASE_POOL_SIZE.
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
const app = Fastify();
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
const id = () => [...randomBytes(17)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
const fail = (error: string) => ({ success: false, error });

app.post('/api/v1/livechat/message', async (req, reply) => {
  const { token, rid, msg, _id } = req.body as { token: string; rid: string; msg: string; _id?: string };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `SELECT r.id, r.visitor_id, r.visitor_username, r.open, v.name FROM rooms.rooms r JOIN rooms.visitors v ON v.id = r.visitor_id
        WHERE r.id = $1 AND r.visitor_token = $2 FOR UPDATE OF r`,
      [rid, token],
    );
    const room = rows[0];
    if (!room || !room.open) {
      await client.query('ROLLBACK');
      return reply.code(400).send(fail(room ? 'room-closed' : 'invalid-room'));
    }
    const now = new Date();
    const md = [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: msg }] }];
    const message = {
      _id: _id ?? id(), rid, msg, token, alias: room.name ?? room.visitor_username, ts: now.toISOString(),
      u: { _id: room.visitor_id, username: room.visitor_username, ...(room.name ? { name: room.name } : {}) },
      _updatedAt: now.toISOString(), urls: [], mentions: [], channels: [], md,
    };
    const inserted = await client.query(
      `INSERT INTO rooms.messages (id, rid, msg, ts, updated_at, u_id, u_username, u_name, token, alias, md, urls)
       VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, '[]') ON CONFLICT (id) DO NOTHING`,
      [message._id, rid, msg, now, room.visitor_id, room.visitor_username, room.name, token, message.alias, JSON.stringify(md)],
    );
    if (inserted.rowCount === 1) {
      await client.query(
        `UPDATE rooms.rooms SET msgs = msgs + 1, lm = $2, last_message = $3, visitor_last_message_ts = $2, updated_at = $2 WHERE id = $1`,
        [rid, now, JSON.stringify(message)],
      );
    }
    await client.query('COMMIT');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ message, success: true }));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
});

const HISTORY = {
  name: 'history',
  text: `SELECT r.id AS room, m.* FROM rooms.rooms r
           LEFT JOIN LATERAL (SELECT * FROM rooms.messages WHERE rid = r.id AND deleted_at IS NULL AND ts < COALESCE($3::timestamptz, 'infinity')
                               ORDER BY ts DESC, id DESC LIMIT $4) m ON true
          WHERE r.id = $1 AND r.visitor_token = $2`,
};

app.get('/api/v1/livechat/messages.history/:rid', async (req, reply) => {
  const { token, end, limit } = req.query as { token?: string; end?: string; limit?: string };
  const { rows } = await pool.query({ ...HISTORY, values: [(req.params as { rid: string }).rid, token, end ?? null, Math.min(Number(limit ?? 20), 100)] });
  if (rows.length === 0) return reply.code(400).send(fail('invalid-room'));
  const messages = rows.filter((m) => m.id).map((m) => ({
    _id: m.id, rid: m.rid, msg: m.msg, ...(m.token ? { token: m.token, alias: m.alias } : {}), ts: m.ts.toISOString(),
    u: { _id: m.u_id, username: m.u_username, ...(m.u_name ? { name: m.u_name } : {}) }, _updatedAt: m.updated_at.toISOString(),
    ...(m.md ? { urls: m.urls ?? [], mentions: [], channels: [], md: m.md } : {}),
  }));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify({ messages, success: true }));
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('ready');
