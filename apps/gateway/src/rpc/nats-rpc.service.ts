import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NatsRpcClient } from '@livechat/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { JsonBody } from '../http/json-body.js';

/**
 * Every call the gateway makes to a service: one NATS request with the configured deadline
 * (RPC_TIMEOUT_MS), through the NatsRpcClient (libs/common/src/transport). Failures are an
 * RpcException carrying a DomainError, which the API envelope filter turns into HTTP.
 */
@Injectable()
export class NatsRpc {
  constructor(
    private readonly client: NatsRpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  isConnected(): boolean {
    return this.client.isConnected();
  }

  /** The client's NATS connection while it is connected, for readiness (a PING round trip). */
  connection(): NatsConnection | null {
    return this.client.connection();
  }

  /** The service's reply, parsed. */
  request<T>(subject: string, payload: unknown): Promise<T> {
    return this.client.request<T>(subject, payload, this.config.RPC_TIMEOUT_MS);
  }

  /**
   * The service's reply as the HTTP success body, without parsing it: the bytes the service
   * serialized, with `"success": true` added (docs/api.md#conventions). For routes that answer what the service
   * answered, unchanged (the hot path).
   */
  async forward(subject: string, payload: unknown): Promise<JsonBody> {
    return JsonBody.success(await this.client.requestBytes(subject, payload, this.config.RPC_TIMEOUT_MS));
  }
}
