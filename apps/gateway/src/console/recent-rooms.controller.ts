import { applyDecorators, Controller, Get, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ERRORS } from '@livechat/contracts';
import { OperatorTokenGuard } from '../auth/operator-token.guard.js';
import { API_TAGS, ApiRejects, OPERATOR_TOKEN_SCHEME } from '../docs/api-docs.decorators.js';
import { UnauthorizedReplySchema } from '../docs/common.schema.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { apiValidationPipe } from '../http/validation.pipe.js';
import type { RecentRoom } from './room-event-buffer.js';
import { RoomEventFeed } from './room-event-feed.service.js';
import { RecentRoomsQuery } from './dto/recent-rooms.query.js';
import { RecentRoomsReplySchema } from './dto/recent-room.schema.js';

const DEFAULT_COUNT = 25;

/** An operator endpoint answered from this replica's memory: no NATS request, so no 503 or 504. */
function ApiLocalOperatorEndpoint(): ReturnType<typeof applyDecorators> {
  return applyDecorators(
    ApiTags(API_TAGS.operators),
    ApiSecurity(OPERATOR_TOKEN_SCHEME),
    ApiUnauthorizedResponse({
      type: UnauthorizedReplySchema,
      description: 'Missing, repeated or wrong `X-Auth-Token`.',
      example: { success: false, error: ERRORS.unauthorized.error },
    }),
  );
}

/** The operator console's recent rooms, from the gateway's in-memory buffer of room events. */
@Controller('api/v1/console')
@UseGuards(OperatorTokenGuard)
@ApiLocalOperatorEndpoint()
@UseInterceptors(SuccessEnvelopeInterceptor)
export class RecentRoomsController {
  constructor(private readonly feed: RoomEventFeed) {}

  @Get('rooms.recent')
  @ApiOperation({
    summary: 'List the rooms with the latest room events',
    description:
      'The rooms of the last room events (room.opened, room.assigned, room.closed) this gateway replica holds, ' +
      'the most recently changed first, each as its latest event left it. The events are kept in memory by each ' +
      'replica (read from the LIVECHAT stream, not from the database): two replicas may answer slightly different ' +
      'lists, and a room whose last event is older than the last 100 events is not listed.',
  })
  @ApiOkResponse({ type: RecentRoomsReplySchema })
  @ApiRejects("'count' must not be greater than 100")
  list(@Query(apiValidationPipe(true)) query: RecentRoomsQuery): {
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
