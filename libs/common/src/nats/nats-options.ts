import { natsServers } from '../config/base.config.js';

/**
 * Connection settings shared by every NATS connection of the stack: every server of NATS_URL (the
 * nodes of a cluster; the client also learns the others from the cluster itself), in random order
 * so that connections spread over the nodes, and reconnect forever, to whichever node is up.
 */
export function natsConnectionOptions(url: string, name: string) {
  return {
    servers: natsServers(url),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
  };
}
