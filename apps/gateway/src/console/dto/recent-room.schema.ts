import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { MESSAGE_EVENTS, ROOM_EVENTS } from '@livechat/contracts';
import { DATE_DOC, ID_DOC, SuccessReplySchema } from '../../docs/common.schema.js';
import type { ConsoleEventType, RecentMessage, RecentRoom } from '../room-event-buffer.js';

/** `GET console/rooms.recent`, for the API document. */

@ApiSchema({ name: 'RecentRoomVisitor' })
export class RecentRoomVisitorSchema {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'guest-1' })
  username: string;
}

@ApiSchema({ name: 'RecentRoomAgent' })
export class RecentRoomAgentSchema {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'agent.smith' })
  username: string;

  @ApiProperty({ ...DATE_DOC, description: 'When the agent got the room' })
  ts: string;
}

@ApiSchema({ name: 'RecentRoomEvent' })
export class RecentRoomEventSchema {
  @ApiProperty({ enum: [...Object.values(ROOM_EVENTS), ...Object.values(MESSAGE_EVENTS)] })
  type: ConsoleEventType;

  @ApiProperty(DATE_DOC)
  occurredAt: string;
}

@ApiSchema({ name: 'RecentMessage', description: "The room's last visitor or agent message" })
export class RecentMessageSchema implements RecentMessage {
  @ApiProperty({ example: 'Hello, I need help with my order' })
  msg: string;

  @ApiProperty(DATE_DOC)
  ts: string;

  @ApiProperty({ enum: ['visitor', 'agent'] })
  from: 'visitor' | 'agent';

  @ApiProperty({ example: 'guest-1' })
  username: string;
}

@ApiSchema({
  name: 'RecentRoom',
  description: "A room as its latest buffered event left it (the room object of docs/api.md#the-room-object, without the visitor's token).",
})
export class RecentRoomSchema implements RecentRoom {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'Mary' })
  fname: string;

  @ApiProperty({ type: () => RecentRoomVisitorSchema })
  v: RecentRoomVisitorSchema;

  @ApiPropertyOptional({ description: 'Department id' })
  departmentId?: string;

  @ApiProperty({ type: 'boolean' })
  open: boolean;

  @ApiPropertyOptional({ type: () => RecentRoomAgentSchema, description: 'Absent while the room waits in the queue' })
  servedBy?: RecentRoomAgentSchema;

  @ApiProperty(DATE_DOC)
  ts: string;

  @ApiPropertyOptional(DATE_DOC)
  closedAt?: string;

  @ApiProperty({ type: 'integer', description: "The visitor's and agents' messages" })
  msgs: number;

  @ApiProperty({ type: 'boolean', description: "Whether the visitor waits for an agent's reply" })
  waitingResponse: boolean;

  @ApiPropertyOptional({ type: () => RecentMessageSchema })
  lastMessage?: RecentMessageSchema;

  @ApiProperty({ type: () => RecentRoomEventSchema })
  lastEvent: RecentRoomEventSchema;
}

@ApiSchema({ name: 'RecentRoomsFeed', description: "This gateway replica's in-memory buffer of room events" })
export class RecentRoomsFeedSchema {
  @ApiProperty({ type: 'boolean', description: 'Whether the replica is following the LIVECHAT stream now' })
  live: boolean;

  @ApiProperty({ type: 'integer', description: 'Room events held' })
  buffered: number;

  @ApiProperty({ type: 'integer', description: 'Room events held at most' })
  capacity: number;
}

@ApiSchema({ name: 'RecentRoomsReply' })
export class RecentRoomsReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => [RecentRoomSchema], description: 'The most recently changed first' })
  rooms: RecentRoomSchema[];

  @ApiProperty({ type: () => RecentRoomsFeedSchema })
  feed: RecentRoomsFeedSchema;
}
