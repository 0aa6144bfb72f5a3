import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export interface StoredEvent {
  subject: string;
  msgId: string | undefined;
  data: Record<string, any>;
  /** The stream's sequence number of the message. */
  seq: number;
  /** When the stream stored it (ms since the epoch). */
  storedAt: number;
}

/**
 * Every message stored on the stream so far, read with an ephemeral ordered consumer (natsUrl:
 * one URL or a cluster's, comma-separated), checked against the stream's own count and sequence
 * numbers, so that an event missing from the answer is missing from the stream. In a cluster the
 * ordered consumer may be placed on a node still catching up after a restart, which has fewer
 * messages: whatever it did not deliver is then asked of the stream's leader, by sequence.
 */
export async function readStream(natsUrl: string, stream = 'LIVECHAT'): Promise<StoredEvent[]> {
  const nc = await connect({ servers: natsUrl.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(stream);
    if (state.messages === 0) return [];
    const events = new Map<number, StoredEvent>();
    const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.fetch({ max_messages: state.messages, expires: 5_000 });
    for await (const m of messages) {
      if (m.seq <= state.last_seq) {
        events.set(m.seq, { subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), data: m.json(), seq: m.seq, storedAt: m.info.timestampNanos / 1e6 });
      }
      if (events.size === state.messages) break;
    }
    if (events.size < state.messages) {
      const missing = [];
      for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) if (!events.has(seq)) missing.push(seq);
      for (let i = 0; i < missing.length; i += 100) {
        // null: deleted (a test may delete messages in between).
        const stored = await Promise.all(missing.slice(i, i + 100).map((seq) => jsm.streams.getMessage(stream, { seq })));
        for (const m of stored) {
          if (m) events.set(m.seq, { subject: m.subject, msgId: m.header?.get('Nats-Msg-Id'), data: m.json(), seq: m.seq, storedAt: m.time.getTime() });
        }
      }
    }
    if (events.size !== state.messages) {
      throw new Error(`could not read stream ${stream} whole: ${events.size} of ${state.messages} messages, sequences ${state.first_seq}..${state.last_seq}`);
    }
    return [...events.values()].sort((a, b) => a.seq - b.seq);
  } finally {
    await nc.close();
  }
}
