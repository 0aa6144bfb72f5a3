import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Room, RoomSource } from '@livechat/contracts';
import { DATE_DOC, ID_DOC, SuccessReplySchema, UserRefSchema, VisitorRefSchema } from '../../docs/common.schema.js';

/** The room as the API answers it (SPEC §4 "The room object"), for the API document. */

@ApiSchema({ name: 'RoomVisitor' })
export class RoomVisitorSchema extends VisitorRefSchema {
  @ApiProperty({ description: '"offline" once the room is closed', example: 'online' })
  status: string;
}

@ApiSchema({ name: 'RoomSource' })
export class RoomSourceSchema implements RoomSource {
  @ApiProperty({
    enum: ['widget', 'api'],
    description: 'widget when the request carries the cookies rc_room_type=l and rc_is_widget=t, else api',
  })
  type: 'widget' | 'api';

  @ApiPropertyOptional({ description: 'The Host header (widget only)' })
  destination?: string;
}

@ApiSchema({ name: 'RoomServedBy' })
export class ServedBySchema extends UserRefSchema {
  @ApiProperty(DATE_DOC)
  ts: string;
}

@ApiSchema({ name: 'RoomMetrics' })
export class RoomMetricsSchema {
  @ApiPropertyOptional({ description: 'Seconds, once closed' })
  chatDuration?: number;

  @ApiPropertyOptional({ description: 'Seconds, once closed, if it was served' })
  serviceTimeDuration?: number;
}

@ApiSchema({ name: 'Room', description: 'Absent fields are omitted, never null.' })
export class RoomSchema implements Room {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ description: 'The visitor name, else username', example: 'Mary' })
  fname: string;

  @ApiProperty({ enum: ['l'] })
  t: 'l';

  @ApiProperty({ type: () => RoomVisitorSchema })
  v: RoomVisitorSchema;

  @ApiPropertyOptional({ description: 'The department that serves the room' })
  departmentId?: string;

  @ApiPropertyOptional({ type: 'boolean', enum: [true], description: 'Absent once closed' })
  open?: true;

  @ApiProperty({ type: 'integer', example: 0 })
  msgs: number;

  @ApiProperty({ type: 'integer', description: '1; 2 once served', example: 1 })
  usersCount: number;

  @ApiProperty({ type: 'boolean', enum: [false] })
  cl: false;

  @ApiProperty(DATE_DOC)
  ts: string;

  @ApiProperty(DATE_DOC)
  _updatedAt: string;

  @ApiProperty(DATE_DOC)
  lm: string;

  @ApiProperty({ type: 'boolean', enum: [true] })
  waitingResponse: true;

  @ApiProperty({ type: () => RoomSourceSchema })
  source: RoomSourceSchema;

  @ApiProperty(DATE_DOC)
  queuedAt: string;

  @ApiPropertyOptional({ type: () => ServedBySchema, description: 'Absent until routing assigns an agent' })
  servedBy?: ServedBySchema;

  @ApiPropertyOptional(DATE_DOC)
  closedAt?: string;

  @ApiPropertyOptional({ enum: ['visitor', 'user'] })
  closer?: 'visitor' | 'user';

  @ApiPropertyOptional({ type: () => UserRefSchema })
  closedBy?: UserRefSchema;

  @ApiPropertyOptional({ type: () => RoomMetricsSchema })
  metrics?: RoomMetricsSchema;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  customFields?: Record<string, string>;
}

@ApiSchema({ name: 'RoomReply' })
export class RoomReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => RoomSchema })
  room: RoomSchema;

  @ApiProperty({ description: 'true for exactly one request: the one that opened the room' })
  newRoom: boolean;
}

@ApiSchema({ name: 'CloseRoomReply' })
export class CloseRoomReplySchema extends SuccessReplySchema {
  @ApiProperty(ID_DOC)
  rid: string;

  @ApiProperty({ example: 'Closed by visitor' })
  comment: string;
}
