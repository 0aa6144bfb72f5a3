import { Module, type DynamicModule } from '@nestjs/common';
import { QUEUES, STREAMS } from '@livechat/contracts';
import { CLOCK, durableConsumers, NatsModule, NatsRpcClientModule, OutboxModule, systemClock } from '@livechat/common';
import { ROOMS_CONFIG, type RoomsConfig } from './config/rooms.config.js';
import { roomsDatabase } from './database/database.module.js';
import { ROOMS_LOCKS } from './database/rooms-locks.js';
import { RoomsController } from './rooms/rooms.controller.js';
import { RoomsRepository } from './rooms/rooms.repository.js';
import { RoomOpeningService } from './rooms/room-opening.service.js';
import { RoomsMetrics } from './rooms/rooms.metrics.js';
import { RoomsService } from './rooms/rooms.service.js';
import { RoutingClient } from './routing-client/routing.client.js';
import { VisitorsController } from './visitors/visitors.controller.js';
import { VisitorsRepository } from './visitors/visitors.repository.js';
import { VisitorsService } from './visitors/visitors.service.js';
import { RoutingDecisionsConsumer } from './rooms/routing-decisions.consumer.js';
import { MARKDOWN_OPTIONS, MarkdownParser } from './messages/markdown/markdown.parser.js';
import { MessagesController } from './messages/messages.controller.js';
import { MessagesRepository } from './messages/messages.repository.js';
import { MessagesService } from './messages/messages.service.js';

@Module({})
export class AppModule {
  static forRoot(config: RoomsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        roomsDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        NatsModule.forRoot({ url: config.NATS_URL, name: `${QUEUES.rooms}-events`, streams: [STREAMS.events, STREAMS.decisions], replicas: config.NATS_STREAM_REPLICAS }),
        // Requests to routing (admission, departments), on a connection of their own.
        NatsRpcClientModule.forRoot({ url: config.NATS_URL, name: `${QUEUES.rooms}-rpc`, defaultDeadlineMs: config.RPC_TIMEOUT_MS }),
        OutboxModule.forRoot({
          table: 'rooms.outbox',
          lockKey: ROOMS_LOCKS.outbox,
          pollMs: config.OUTBOX_POLL_MS,
          streamReplicas: config.NATS_STREAM_REPLICAS,
        }),
      ],
      controllers: [VisitorsController, RoomsController, MessagesController],
      providers: [
        ...durableConsumers({ ackWaitSeconds: config.CONSUMER_ACK_WAIT_SECONDS, maxBatch: config.CONSUMER_MAX_BATCH, replicas: config.NATS_STREAM_REPLICAS }),
        { provide: ROOMS_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: MARKDOWN_OPTIONS, useValue: { budgetMs: config.MARKDOWN_BUDGET_MS, threads: config.MARKDOWN_THREADS } },
        MarkdownParser,
        MessagesRepository,
        MessagesService,
        VisitorsRepository,
        VisitorsService,
        RoomsRepository,
        RoomsMetrics,
        RoomOpeningService,
        RoomsService,
        RoutingClient,
        RoutingDecisionsConsumer,
      ],
    };
  }
}
