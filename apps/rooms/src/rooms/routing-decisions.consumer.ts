import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONSUMERS, ROUTING_EVENTS, STREAMS, type AgentSelectedEvent } from '@livechat/contracts';
import { DurableConsumer, Metrics, NATS_CONNECTION } from '@livechat/common';
import { ROOMS_CONFIG, type RoomsConfig } from '../config/rooms.config.js';
import { RoomsService } from './rooms.service.js';

/** routing's decisions, from its outbox through JetStream: one durable consumer for all rooms replicas. */
@Injectable()
export class RoutingDecisionsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: DurableConsumer | null = null;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly rooms: RoomsService,
    @Inject(ROOMS_CONFIG) private readonly config: RoomsConfig,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new DurableConsumer(
      this.nc,
      {
        stream: STREAMS.decisions.name,
        durable: CONSUMERS.roomsDecisions,
        filterSubject: ROUTING_EVENTS.agentSelected,
        ackWaitSeconds: this.config.CONSUMER_ACK_WAIT_SECONDS,
        replicas: this.config.NATS_STREAM_REPLICAS,
        metrics: this.metrics,
      },
      // A burst of decisions (the queue draining) is applied a batch per transaction.
      { maxBatch: this.config.CONSUMER_MAX_BATCH, handle: (msgs) => this.rooms.applyDecisions(msgs.map((m) => m.json<AgentSelectedEvent>())) },
    );
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
