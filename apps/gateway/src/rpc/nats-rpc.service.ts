import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { rpcRequest } from '@livechat/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';

export const NATS_CLIENT = Symbol('NATS_CLIENT');

/**
 * Every call the gateway makes to a service: one NATS request with the configured deadline. Nest's
 * ClientNats keeps the connection (and its status, for readiness); requests go through `rpcRequest`
 * on that connection.
 */
@Injectable()
export class NatsRpc implements OnApplicationBootstrap {
  private connected = false;

  constructor(
    @Inject(NATS_CLIENT) private readonly client: ClientProxy,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.client.status.subscribe((status) => (this.connected = status === 'connected'));
    await this.client.connect();
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** The client's NATS connection while it is connected, for readiness (a PING round trip). */
  connection(): NatsConnection | null {
    if (!this.connected) return null;
    try {
      return this.client.unwrap<NatsConnection>();
    } catch {
      return null;
    }
  }

  request<T>(subject: string, payload: unknown): Promise<T> {
    return rpcRequest<T>(this.connection(), subject, payload, this.config.RPC_TIMEOUT_MS);
  }
}
