import { Transport, type NatsOptions } from '@nestjs/microservices';

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

/** Microservice (request/reply server) options: every replica joins the service's queue group. */
export function natsServerOptions(url: string, name: string, queue: string): NatsOptions {
  return {
    transport: Transport.NATS,
    options: { ...natsConnectionOptions(url, name), queue },
  };
}
