import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONSUMERS, ROOM_EVENTS, STREAMS, type RoomEvent } from '@livechat/contracts';
import { DurableConsumer, Metrics, NATS_CONNECTION, sql } from '@livechat/common';
import { DataSource } from 'typeorm';
import { ROUTING_CONFIG, type RoutingConfig } from '../config/routing.config.js';
import { InquiriesRepository } from './inquiries.repository.js';
import { QueueDispatcher } from './queue.dispatcher.js';

/**
 * room.opened queues the room; room.closed closes its inquiry and releases its agent's capacity.
 * Both are idempotent (a redelivery changes nothing) and commute (a room.closed handled before its
 * room.opened leaves a closed inquiry that the late room.opened does not reopen).
 */
@Injectable()
export class RoomEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: DurableConsumer | null = null;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
    private readonly dataSource: DataSource,
    private readonly inquiries: InquiriesRepository,
    private readonly queue: QueueDispatcher,
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
      // A burst of events (many rooms opening at once) is queued a batch per statement.
      { maxBatch: this.config.CONSUMER_MAX_BATCH, handle: (msgs) => this.handle(msgs.map((m) => m.json<RoomEvent>())) },
    );
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /**
   * Events in stream order: the room.opened ones are queued together, then each room.closed is
   * handled (a room.closed after its room.opened in the same batch closes the inquiry just queued).
   */
  async handle(events: RoomEvent[]): Promise<void> {
    const queued = await this.inquiries.insertQueued(
      events.filter((e) => e.type === ROOM_EVENTS.opened).map(({ room, preferredAgentId }) => ({
        roomId: room._id,
        departmentId: room.departmentId ?? null,
        preferredAgentId: preferredAgentId ?? null,
        name: room.fname,
        visitor: { _id: room.v._id, username: room.v.username, token: room.v.token },
        ts: new Date(room.ts),
        queuedAt: new Date(room.queuedAt),
      })),
    );
    if (queued > 0) this.queue.request();
    for (const event of events) if (event.type === ROOM_EVENTS.closed) await this.closed(event);
  }

  private async closed(event: RoomEvent): Promise<void> {
    const roomId = event.room._id;
    const released = await this.dataSource.transaction(async (manager) => {
      const inquiry = await this.inquiries.findForUpdate(manager, roomId);
      if (!inquiry) {
        if (await this.inquiries.insertClosed(manager, roomId, new Date(event.occurredAt))) return false;
        // A room.opened committed its inquiry meanwhile: close that one.
        throw new Error(`inquiry for room ${roomId} appeared concurrently; retrying`);
      }
      if (inquiry.status === 'closed') return false;
      await this.inquiries.markClosed(manager, inquiry.id);
      if (inquiry.status !== 'taken' || !inquiry.agentId) return false;
      await sql(manager,
        `UPDATE routing.agents SET active_chats = active_chats - 1 WHERE id = $1 AND active_chats > 0`,
        [inquiry.agentId],
      );
      return true;
    });
    if (released) this.queue.request();
  }
}
