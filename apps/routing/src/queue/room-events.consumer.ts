import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONSUMERS, ROOM_EVENTS, STREAMS, type RoomEvent } from '@livechat/contracts';
import { DurableConsumer, Metrics, NATS_CONNECTION } from '@livechat/common';
import type { JsMsg } from '@nats-io/jetstream';
import { ROUTING_CONFIG, type RoutingConfig } from '../config/routing.config.js';
import { ReservationsService } from '../reservations/reservations.service.js';

/**
 * room.opened confirms the room's reservation or queues the room; room.closed closes its inquiry and
 * releases its agent's capacity (ReservationsService). Both are idempotent (a redelivery changes
 * nothing) and commute (a room.closed handled before its room.opened leaves a closed inquiry that the
 * late room.opened does not reopen).
 */
@Injectable()
export class RoomEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: DurableConsumer | null = null;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
    private readonly reservations: ReservationsService,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new DurableConsumer(
      this.nc,
      {
        stream: STREAMS.events.name,
        durable: CONSUMERS.routingRoomEvents,
        // room.* : routing handles room.opened and room.closed and acknowledges room.assigned unread.
        filterSubject: 'room.*',
        ackWaitSeconds: this.config.CONSUMER_ACK_WAIT_SECONDS,
        replicas: this.config.NATS_STREAM_REPLICAS,
        metrics: this.metrics,
      },
      // A burst of events (many rooms opening at once) is handled a batch per statement.
      { maxBatch: this.config.CONSUMER_MAX_BATCH, handle: (msgs) => this.handle(msgs.filter(isHandled).map((m) => m.json<RoomEvent>())) },
    );
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /**
   * Events in stream order: the room.opened ones are handled together, then each room.closed (a
   * room.closed after its room.opened in the same batch closes the inquiry just written).
   */
  async handle(events: RoomEvent[]): Promise<void> {
    await this.reservations.opened(events.filter((e) => e.type === ROOM_EVENTS.opened));
    for (const event of events) if (event.type === ROOM_EVENTS.closed) await this.reservations.closed(event.room, new Date(event.occurredAt));
  }
}

function isHandled(msg: JsMsg): boolean {
  return msg.subject === ROOM_EVENTS.opened || msg.subject === ROOM_EVENTS.closed;
}
