import { jetstream, jetstreamManager, DeliverPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export interface StoredEvent {
  subject: string;
  msgId: string | undefined;
  data: Record<string, any>;
}

/** Every message stored on the stream so far, read with an ephemeral ordered consumer (natsUrl: one URL or a cluster's, comma-separated). */
export async function readStream(natsUrl: string, stream = 'LIVECHAT'): Promise<StoredEvent[]> {
  const nc = await connect({ servers: natsUrl.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream);
    const total = info.state.messages;
    const events: StoredEvent[] = [];
    if (total === 0) return events;
    const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.fetch({ max_messages: total, expires: 5_000 });
    for await (const m of messages) {
      events.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), data: m.json() });
      if (events.length === total) break;
    }
    return events;
  } finally {
    await nc.close();
  }
}

