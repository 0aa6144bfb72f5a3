import { Module, type DynamicModule } from '@nestjs/common';
import { QUEUES, STREAMS } from '@livechat/contracts';
import { durableConsumers, NatsModule, NatsRpcClientModule, OutboxModule } from '@livechat/common';
import { AdmissionController } from './admission/admission.controller.js';
import { AdmissionService } from './admission/admission.service.js';
import { AgentsController } from './agents/agents.controller.js';
import { AgentsRepository } from './agents/agents.repository.js';
import { AgentsService } from './agents/agents.service.js';
import { AgentPoolRepository } from './assignment/agent-pool.repository.js';
import { CapacityRepository } from './assignment/capacity.repository.js';
import { CapacitySignal } from './assignment/capacity.signal.js';
import { ROUTING_CONFIG, type RoutingConfig } from './config/routing.config.js';
import { AgentTokensRepository } from './credentials/agent-tokens.repository.js';
import { CredentialsController } from './credentials/credentials.controller.js';
import { CredentialsService } from './credentials/credentials.service.js';
import { routingDatabase } from './database/database.module.js';
import { ROUTING_LOCKS } from './database/routing-locks.js';
import { DepartmentsController } from './departments/departments.controller.js';
import { DepartmentsRepository } from './departments/departments.repository.js';
import { DepartmentsService } from './departments/departments.service.js';
import { InquiriesController } from './queue/inquiries.controller.js';
import { InquiriesRepository } from './queue/inquiries.repository.js';
import { QueueDispatcher } from './queue/queue.dispatcher.js';
import { QueueMetrics } from './queue/queue.metrics.js';
import { RoomEventsConsumer } from './queue/room-events.consumer.js';
import { ReservationSweeper } from './reservations/reservation.sweeper.js';
import { ReservationsController } from './reservations/reservations.controller.js';
import { ReservationsRepository } from './reservations/reservations.repository.js';
import { ReservationsService } from './reservations/reservations.service.js';
import { RoomsClient } from './rooms-client/rooms.client.js';
import { SettingsController } from './settings/settings.controller.js';
import { SettingsService } from './settings/settings.service.js';
import { WidgetConfigService } from './widget/widget-config.service.js';
import { WidgetController } from './widget/widget.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: RoutingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        routingDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        NatsModule.forRoot({ url: config.NATS_URL, name: `${QUEUES.routing}-events`, streams: [STREAMS.events, STREAMS.decisions], replicas: config.NATS_STREAM_REPLICAS }),
        // Requests to rooms (the reservation sweeper's fence), on a connection of their own.
        NatsRpcClientModule.forRoot({ url: config.NATS_URL, name: `${QUEUES.routing}-rpc`, defaultDeadlineMs: config.RPC_TIMEOUT_MS }),
        OutboxModule.forRoot({
          table: 'routing.outbox',
          lockKey: ROUTING_LOCKS.outbox,
          pollMs: config.OUTBOX_POLL_MS,
          streamReplicas: config.NATS_STREAM_REPLICAS,
        }),
      ],
      controllers: [AdmissionController, AgentsController, CredentialsController, DepartmentsController, SettingsController, InquiriesController, ReservationsController, WidgetController],
      providers: [
        ...durableConsumers({ ackWaitSeconds: config.CONSUMER_ACK_WAIT_SECONDS, maxBatch: config.CONSUMER_MAX_BATCH, replicas: config.NATS_STREAM_REPLICAS }),
        { provide: ROUTING_CONFIG, useValue: config },
        SettingsService,
        AgentPoolRepository,
        AgentsRepository,
        AgentsService,
        DepartmentsRepository,
        DepartmentsService,
        InquiriesRepository,
        QueueDispatcher,
        QueueMetrics,
        RoomEventsConsumer,
        AdmissionService,
        AgentTokensRepository,
        CredentialsService,
        WidgetConfigService,
        CapacityRepository,
        CapacitySignal,
        ReservationsRepository,
        ReservationsService,
        ReservationSweeper,
        RoomsClient,
      ],
    };
  }
}
