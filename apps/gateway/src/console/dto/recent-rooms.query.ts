import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';
import { ROOM_EVENT_BUFFER_CAPACITY } from '../room-event-buffer.js';

/** `GET console/rooms.recent`. */
export class RecentRoomsQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: ROOM_EVENT_BUFFER_CAPACITY,
    default: 25,
    description: 'How many rooms at most',
  })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ROOM_EVENT_BUFFER_CAPACITY)
  count?: number;
}
