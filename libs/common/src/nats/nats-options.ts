/** Connection settings shared by every NATS connection of the stack: reconnect forever once up. */
export function natsConnectionOptions(url: string, name: string) {
  return {
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
  };
}
