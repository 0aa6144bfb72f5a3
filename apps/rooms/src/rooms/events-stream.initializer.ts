import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@livechat/contracts';
import { ensureStream, NATS_CONNECTION } from '@livechat/common';
import { ROOMS_CONFIG, type RoomsConfig } from '../config/rooms.config.js';

/** rooms publishes the public room events, so it creates (or updates) their stream at start-up. */
@Injectable()
export class EventsStreamInitializer implements OnModuleInit {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ROOMS_CONFIG) private readonly config: RoomsConfig,
  ) {}

  onModuleInit(): Promise<void> {
    return ensureStream(this.nc, { name: this.config.LIVECHAT_STREAM, subjects: STREAMS.events.subjects });
  }
}
