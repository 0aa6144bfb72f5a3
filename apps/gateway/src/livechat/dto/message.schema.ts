import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { MarkdownNode, Message, SystemMessageType } from '@livechat/contracts';
import { DATE_DOC, ID_DOC, SuccessReplySchema, UserRefSchema } from '../../docs/common.schema.js';

/** The message object (docs/api.md#the-message-object), for the API document. */

@ApiSchema({ name: 'MessageAuthor' })
export class MessageAuthorSchema extends UserRefSchema {
  @ApiPropertyOptional({ example: 'Mary' })
  name?: string;
}

@ApiSchema({ name: 'MessageUrl' })
export class MessageUrlSchema {
  @ApiProperty({ example: 'https://rocket.chat' })
  url: string;

  @ApiProperty({ type: 'object', additionalProperties: false, description: 'Always empty: no link preview is fetched', example: {} })
  meta: Record<string, never>;
}

@ApiSchema({
  name: 'Message',
  description:
    "The reference's message object. A visitor's or an agent's message has urls, mentions, channels and md " +
    "(a visitor's also token and alias); a system message has t and groupable: false (livechat-close also md). " +
    'Absent fields are omitted, never null.',
})
export class MessageSchema implements Message {
  @ApiProperty({ description: "The client's _id, else 17 random characters", example: 'SgrsSm3HNGrG5xTmk' })
  _id: string;

  @ApiProperty(ID_DOC)
  rid: string;

  @ApiProperty({ description: 'The text; livechat-close: the closing comment; uj: empty', example: 'Hello' })
  msg: string;

  @ApiPropertyOptional({ enum: ['uj', 'livechat-close'], description: 'System messages only: uj (an agent joined), livechat-close (the room was closed)' })
  t?: SystemMessageType;

  @ApiPropertyOptional({ type: 'boolean', enum: [false], description: 'System messages only' })
  groupable?: false;

  @ApiPropertyOptional({ type: 'boolean', enum: [false], description: 'livechat-close only' })
  transcriptRequested?: false;

  @ApiPropertyOptional({ description: "A visitor's message: their token" })
  token?: string;

  @ApiPropertyOptional({ description: "A visitor's message: their name, else their username", example: 'Mary' })
  alias?: string;

  @ApiProperty(DATE_DOC)
  ts: string;

  @ApiProperty({ type: () => MessageAuthorSchema, description: 'Who wrote it (uj: the agent who joined)' })
  u: MessageAuthorSchema;

  @ApiProperty(DATE_DOC)
  _updatedAt: string;

  @ApiPropertyOptional({ type: () => [MessageUrlSchema], description: 'The links of md' })
  urls?: MessageUrlSchema[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, maxItems: 0, description: 'Always empty' })
  mentions?: [];

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, maxItems: 0, description: 'Always empty' })
  channels?: [];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true, properties: { type: { type: 'string' } } },
    description:
      "The markdown tree, from the reference's parser (@rocket.chat/message-parser); a plain paragraph of msg when the parser " +
      'does not answer within the time budget',
    example: [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: 'Hello' }] }],
  })
  md?: MarkdownNode[];

  @ApiPropertyOptional(DATE_DOC)
  editedAt?: string;

  @ApiPropertyOptional({ type: () => UserRefSchema })
  editedBy?: UserRefSchema;
}

@ApiSchema({ name: 'MessageReply' })
export class MessageReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => MessageSchema })
  message: MessageSchema;
}

@ApiSchema({ name: 'MessageHistoryReply' })
export class MessageHistoryReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => [MessageSchema], description: 'Newest first, system messages included' })
  messages: MessageSchema[];
}

@ApiSchema({ name: 'DeletedMessage' })
export class DeletedMessageSchema {
  @ApiProperty({ description: 'The message id' })
  _id: string;

  @ApiProperty({ ...DATE_DOC, description: 'When it was deleted' })
  ts: string;
}

@ApiSchema({ name: 'DeleteMessageReply' })
export class DeleteMessageReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => DeletedMessageSchema })
  message: DeletedMessageSchema;
}
