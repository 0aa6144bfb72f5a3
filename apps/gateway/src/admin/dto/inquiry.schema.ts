import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Inquiry } from '@livechat/contracts';
import { DATE_DOC, ID_DOC, SuccessReplySchema, VisitorRefSchema } from '../../docs/common.schema.js';

/** The waiting queue as the operator endpoints answer it (docs/api.md#operator-endpoints, docs/routing.md), for the API document. */

@ApiSchema({ name: 'Inquiry' })
export class InquirySchema implements Omit<Inquiry, 'status'> {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ description: 'The room id' })
  rid: string;

  @ApiProperty({ description: "The room's fname", example: 'Mary' })
  name: string;

  @ApiProperty(DATE_DOC)
  ts: string;

  @ApiPropertyOptional({ description: 'Department id' })
  department?: string;

  @ApiProperty({ enum: ['queued', 'taken'], description: 'queued in inquiries.queued; taken in the inquiries.take reply' })
  status: 'queued' | 'taken';

  @ApiProperty({ type: () => VisitorRefSchema })
  v: VisitorRefSchema;
}

@ApiSchema({ name: 'InquiryListReply' })
export class InquiryListReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => [InquirySchema], description: 'Oldest first' })
  inquiries: InquirySchema[];
}

@ApiSchema({ name: 'InquiryReply' })
export class InquiryReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => InquirySchema })
  inquiry: InquirySchema;
}
