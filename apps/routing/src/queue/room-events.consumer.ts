import { Injectable } from '@nestjs/common';
import { CONSUMERS, ROOM_EVENTS, STREAMS, type RoomEvent } from '@livechat/contracts';
import { DurableConsumers } from '@livechat/common';
import type { JsMsg } from '@nats-io/jetstream';
import { ReservationsService } from '../reservations/reservations.service.js';

/**
 * room.opened confirms the room's reservation or queues the room; room.closed closes its inquiry and
 * releases its agent's capacity (ReservationsService). Both are idempotent (a redelivery changes
 * nothing) and commute (a room.closed handled before its room.opened leaves a closed inquiry that the
 * late room.opened does not reopen).
 */
@Injectable()
export class RoomEventsConsumer {
  constructor(
    consumers: DurableConsumers,
    private readonly reservations: ReservationsService,
  ) {
    consumers.register(
      // room.* : routing handles room.opened and room.closed and acknowledges room.assigned unread.
      { stream: STREAMS.events.name, durable: CONSUMERS.routingRoomEvents, filterSubject: 'room.*' },
      // A burst of events (many rooms opening at once) is handled a batch per statement.
      (msgs) => this.handle(msgs.filter(isHandled).map((m) => m.json<RoomEvent>())),
    );
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
