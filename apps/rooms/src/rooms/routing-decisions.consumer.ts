import { Injectable } from '@nestjs/common';
import { CONSUMERS, ROUTING_EVENTS, STREAMS, type RoutingDecision } from '@livechat/contracts';
import { DurableConsumers } from '@livechat/common';
import { RoomsService } from './rooms.service.js';

/** routing's decisions, from its outbox through JetStream: one durable consumer for all rooms replicas. */
@Injectable()
export class RoutingDecisionsConsumer {
  constructor(consumers: DurableConsumers, rooms: RoomsService) {
    consumers.register(
      { stream: STREAMS.decisions.name, durable: CONSUMERS.roomsDecisions, filterSubject: ROUTING_EVENTS.decision },
      // A burst of decisions (the queue draining) is applied a batch per transaction.
      (msgs) => rooms.applyDecisions(msgs.map((m) => m.json<RoutingDecision>())),
    );
  }
}
