import { jetstream, jetstreamManager, DeliverPolicy } from '@nats-io/jetstream';
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
 * one URL or a cluster's, comma-separated). The read is checked against the stream's own count and
 * sequence numbers, and made again when it came back short (a cluster's consumer moving under it),
 * so that an event missing from the answer is missing from the stream.
 */
export async function readStream(natsUrl: string, stream = 'LIVECHAT'): Promise<StoredEvent[]> {
  const nc = await connect({ servers: natsUrl.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    let problem = '';
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const { state } = await jsm.streams.info(stream);
      if (state.messages === 0) return [];
      const events: StoredEvent[] = [];
      const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
      const messages = await consumer.fetch({ max_messages: state.messages, expires: 10_000 });
      for await (const m of messages) {
        events.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), data: m.json(), seq: m.seq, storedAt: m.info.timestampNanos / 1e6 });
        if (events.length === state.messages) break;
      }
      // Every stored message once: as many distinct sequence numbers as the stream holds, all
      // between its first and last (a test may have deleted some in between).
      const seqs = new Set(events.filter((e) => e.seq >= state.first_seq && e.seq <= state.last_seq).map((e) => e.seq));
      if (events.length === state.messages && seqs.size === state.messages) return events;
      problem = `read ${events.length} messages (${seqs.size} sequences) of ${state.messages} stored, sequences ${state.first_seq}..${state.last_seq}`;
    }
    throw new Error(`could not read stream ${stream} whole: ${problem}`);
  } finally {
    await nc.close();
  }
}
