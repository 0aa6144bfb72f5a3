import { ApiProperty, ApiSchema, IntersectionType, PickType } from '@nestjs/swagger';
import { AgentSchema } from '../../admin/dto/agent.schema.js';
import { DATE_DOC, SuccessReplySchema } from '../../docs/common.schema.js';
import { MessageSchema } from '../../livechat/dto/message.schema.js';
import { RoomSchema } from '../../livechat/dto/room.schema.js';

/** The replies of the agents' endpoints (docs/api.md#agents-sign-in), for the API document. */

@ApiSchema({ name: 'MeReply' })
export class MeReplySchema extends IntersectionType(SuccessReplySchema, PickType(AgentSchema, ['_id', 'username', 'name', 'status', 'statusLivechat'] as const)) {}

@ApiSchema({ name: 'RoomListReply' })
export class RoomListReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => [RoomSchema], description: 'Newest first' })
  rooms: RoomSchema[];

  @ApiProperty({ type: 'integer', description: 'Rooms in this answer' })
  count: number;

  @ApiProperty({ type: 'integer' })
  offset: number;

  @ApiProperty({ type: 'integer', description: 'Rooms that match, in all' })
  total: number;
}

@ApiSchema({ name: 'DeletedMessageTombstone' })
export class DeletedMessageTombstoneSchema {
  @ApiProperty({ example: 'SgrsSm3HNGrG5xTmk' })
  _id: string;

  @ApiProperty(DATE_DOC)
  _deletedAt: string;
}

@ApiSchema({ name: 'SyncMessagesResult' })
export class SyncMessagesResultSchema {
  @ApiProperty({ type: () => [MessageSchema], description: 'Messages new or edited after lastUpdate, newest first' })
  updated: MessageSchema[];

  @ApiProperty({ type: () => [DeletedMessageTombstoneSchema], description: 'Messages deleted after lastUpdate' })
  deleted: DeletedMessageTombstoneSchema[];
}

@ApiSchema({ name: 'SyncMessagesReply' })
export class SyncMessagesReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => SyncMessagesResultSchema })
  result: SyncMessagesResultSchema;
}
