import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, AUDIENCES } from '../auth/access.js';
import { API_TAGS, ApiRejects } from '../docs/api-docs.decorators.js';
import type { RecentRoom } from './room-event-buffer.js';
import { RoomEventFeed } from './room-event-feed.service.js';
import { RecentRoomsQuery } from './dto/recent-rooms.query.js';
import { RecentRoomsReplySchema } from './dto/recent-room.schema.js';

const DEFAULT_COUNT = 25;

/** The operator console's recent rooms, from the gateway's in-memory buffer of room events. */
@Controller('api/v1/console')
@Allow(AUDIENCES.operator)
@ApiTags(API_TAGS.operators)
export class RecentRoomsController {
  constructor(private readonly feed: RoomEventFeed) {}

  @Get('rooms.recent')
  @ApiOperation({
    summary: 'List the rooms with the latest room events',
    description:
      'The rooms of the last room and message events (room.*, message.*) this gateway replica holds, ' +
      'the most recently changed first, each as its latest event left it. The events are kept in memory by each ' +
      'replica (read from the LIVECHAT stream, not from the database): two replicas may answer slightly different ' +
      'lists, and a room whose last event is older than the last 100 events is not listed.',
  })
  @ApiOkResponse({ type: RecentRoomsReplySchema })
  @ApiRejects("'count' must not be greater than 100")
  list(@Query() query: RecentRoomsQuery): {
    rooms: RecentRoom[];
    feed: { live: boolean; buffered: number; capacity: number };
  } {
    const { buffer } = this.feed;
    return {
      rooms: buffer.recentRooms(query.count ?? DEFAULT_COUNT),
      feed: { live: this.feed.live, buffered: buffer.size, capacity: buffer.capacity },
    };
  }
}
