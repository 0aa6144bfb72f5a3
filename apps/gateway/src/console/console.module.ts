import { Module, type DynamicModule } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { ConsolePageController } from './console-page.controller.js';
import { RecentRoomsController } from './recent-rooms.controller.js';
import { RoomEventBuffer } from './room-event-buffer.js';
import { RoomEventFeed } from './room-event-feed.service.js';

/**
 * The operator console: a static page at `/console` that reads the operator API with the token the
 * operator types, and `GET /api/v1/console/rooms.recent`, answered from an in-memory buffer of room
 * events that each gateway replica fills from the LIVECHAT stream.
 */
/** The console's controllers: each declares who may call it (Allow). */
export const CONSOLE_CONTROLLERS = [ConsolePageController, RecentRoomsController];

@Module({})
export class ConsoleModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: CONSOLE_CONTROLLERS,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: RoomEventBuffer, useFactory: () => new RoomEventBuffer() },
        RoomEventFeed,
      ],
    };
  }
}
