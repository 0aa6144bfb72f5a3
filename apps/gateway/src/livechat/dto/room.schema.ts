import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ResponseBy, Room, RoomMetrics, RoomSource } from '@livechat/contracts';
import { DATE_DOC, ID_DOC, SuccessReplySchema, UserRefSchema, VisitorRefSchema } from '../../docs/common.schema.js';
import { MessageSchema } from './message.schema.js';

/** The room as the API answers it (docs/api.md#the-room-object), for the API document. */

@ApiSchema({ name: 'RoomVisitor' })
export class RoomVisitorSchema extends VisitorRefSchema {
  @ApiProperty({ description: '"offline" once the room is closed', example: 'online' })
  status: string;

  @ApiPropertyOptional({ ...DATE_DOC, description: "The visitor's last message" })
  lastMessageTs?: string;
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

@ApiSchema({ name: 'RoomVisitorMetrics' })
export class RoomVisitorMetricsSchema {
  @ApiProperty({ ...DATE_DOC, description: "The visitor's last query: their first message since the agent's last reply" })
  lq: string;
}

@ApiSchema({ name: 'RoomAgentMetrics' })
export class RoomAgentMetricsSchema {
  @ApiProperty({ ...DATE_DOC, description: "The agent's last reply to a query" })
  lr: string;
}

@ApiSchema({ name: 'RoomResponseMetrics' })
export class RoomResponseMetricsSchema {
  @ApiPropertyOptional({ ...DATE_DOC, description: 'The first reply' })
  fd?: string;

  @ApiPropertyOptional({ description: 'Seconds from the query to the first reply' })
  ft?: number;

  @ApiProperty({ description: 'Average seconds from a query to its reply' })
  avg: number;

  @ApiProperty({ type: 'integer', description: 'Queries replied to' })
  total: number;

  @ApiProperty({ description: 'Seconds, summed over the replies' })
  tt: number;
}

@ApiSchema({ name: 'RoomReactionMetrics' })
export class RoomReactionMetricsSchema {
  @ApiPropertyOptional({ ...DATE_DOC, description: 'The first reply' })
  fd?: string;

  @ApiPropertyOptional({ description: "Seconds from the agent's assignment to the first reply" })
  ft?: number;

  @ApiProperty({ description: 'Reaction seconds, summed over the replies' })
  tt: number;
}

@ApiSchema({ name: 'RoomMetrics', description: "The reference's conversation metrics; dates ISO, times in seconds" })
export class RoomMetricsSchema implements RoomMetrics {
  @ApiPropertyOptional({ type: () => RoomVisitorMetricsSchema })
  v?: RoomVisitorMetricsSchema;

  @ApiPropertyOptional({ type: () => RoomAgentMetricsSchema })
  servedBy?: RoomAgentMetricsSchema;

  @ApiPropertyOptional({ type: () => RoomResponseMetricsSchema })
  response?: RoomResponseMetricsSchema;

  @ApiPropertyOptional({ type: () => RoomReactionMetricsSchema })
  reaction?: RoomReactionMetricsSchema;

  @ApiPropertyOptional({ description: 'Seconds, once closed' })
  chatDuration?: number;

  @ApiPropertyOptional({ description: 'Seconds, once closed, if it was served' })
  serviceTimeDuration?: number;
}

@ApiSchema({ name: 'RoomResponseBy', description: "The agent whose reply answered the visitor's last query" })
export class ResponseBySchema extends UserRefSchema implements ResponseBy {
  @ApiProperty(DATE_DOC)
  firstResponseTs: string;

  @ApiProperty(DATE_DOC)
  lastMessageTs: string;
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

  @ApiProperty({ type: 'boolean', enum: [false] })
  default: false;

  @ApiProperty({ type: 'boolean', enum: [false] })
  ro: false;

  @ApiProperty({ type: 'boolean', enum: [true] })
  sysMes: true;

  @ApiPropertyOptional({ type: 'boolean', enum: [true], description: 'Absent once closed' })
  open?: true;

  @ApiProperty({ type: 'integer', example: 0, description: "The visitor's and agents' messages (system messages are not counted)" })
  msgs: number;

  @ApiProperty({ type: 'integer', description: '1; 2 once served', example: 1 })
  usersCount: number;

  @ApiProperty({ type: 'boolean', enum: [false] })
  cl: false;

  @ApiProperty(DATE_DOC)
  ts: string;

  @ApiProperty(DATE_DOC)
  _updatedAt: string;

  @ApiProperty({ ...DATE_DOC, description: 'The last message (its creation while there is none)' })
  lm: string;

  @ApiPropertyOptional({ type: 'boolean', enum: [true], description: "Present while the visitor waits for an agent's reply; absent once answered" })
  waitingResponse?: true;

  @ApiPropertyOptional({ type: () => ResponseBySchema })
  responseBy?: ResponseBySchema;

  @ApiPropertyOptional({ type: () => MessageSchema, description: "The newest visitor's or agent's message" })
  lastMessage?: MessageSchema;

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
