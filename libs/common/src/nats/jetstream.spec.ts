import type { NatsConnection } from '@nats-io/transport-node';
import { ensureStream } from './jetstream.js';

/** A connection to a server that is or is not part of a cluster, and that cannot really talk to JetStream. */
function connectedTo(cluster: string | undefined): NatsConnection {
  return { info: { cluster }, getServer: () => '127.0.0.1:4222' } as unknown as NatsConnection;
}

describe('ensureStream', () => {
  it('refuses more than one replica on a server that is not in a cluster, before asking JetStream anything', async () => {
    // A lone nats-server 2.9 refuses to create such a stream but accepts an update to it, then claims replicas it does not have.
    await expect(ensureStream(connectedTo(undefined), { name: 'LIVECHAT', subjects: ['room.opened'] }, 3)).rejects.toThrow(
      'NATS_STREAM_REPLICAS=3 needs a NATS cluster of at least 3 JetStream servers, but 127.0.0.1:4222 is not part of a cluster',
    );
  });

  it('goes on to JetStream with one replica on a lone server, or with three in a cluster', async () => {
    // The fake connection fails there: what matters is that the replicas were not refused.
    for (const [cluster, replicas] of [[undefined, 1], ['livechat', 3]] as const) {
      const attempt = ensureStream(connectedTo(cluster), { name: 'LIVECHAT', subjects: ['room.opened'] }, replicas);
      await expect(attempt).rejects.toThrow(/^JetStream stream LIVECHAT: /);
      await expect(attempt).rejects.not.toThrow(/NATS_STREAM_REPLICAS/);
    }
  });
});
