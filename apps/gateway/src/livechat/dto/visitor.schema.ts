import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Visitor } from '@livechat/contracts';
import { DATE_DOC, ID_DOC, SuccessReplySchema } from '../../docs/common.schema.js';

/** The visitor as the API answers it (docs/api.md#visitors), for the API document. */

@ApiSchema({ name: 'VisitorEmail' })
export class VisitorEmailSchema {
  @ApiProperty({ example: 'mary@example.com' })
  address: string;
}

@ApiSchema({ name: 'VisitorPhone' })
export class VisitorPhoneSchema {
  @ApiProperty({ example: '+15550100' })
  phoneNumber: string;
}

@ApiSchema({ name: 'Visitor', description: 'Absent fields are omitted, never null.' })
export class VisitorSchema implements Visitor {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'visitor-token-1' })
  token: string;

  @ApiProperty({ description: 'guest-<n> unless given', example: 'guest-1' })
  username: string;

  @ApiProperty({ example: 'online' })
  status: string;

  @ApiPropertyOptional({ example: 'Mary' })
  name?: string;

  @ApiPropertyOptional({ type: () => [VisitorEmailSchema] })
  visitorEmails?: VisitorEmailSchema[];

  @ApiPropertyOptional({ type: () => [VisitorPhoneSchema] })
  phone?: VisitorPhoneSchema[];

  @ApiPropertyOptional({ description: 'The department id' })
  department?: string;

  @ApiProperty(DATE_DOC)
  ts: string;

  @ApiProperty(DATE_DOC)
  _updatedAt: string;
}

@ApiSchema({ name: 'VisitorReply' })
export class VisitorReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => VisitorSchema })
  visitor: VisitorSchema;
}
