import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

/** `GET livechat/inquiries.queued` (docs/api.md#operator-endpoints). */
export class ListInquiriesQuery {
  @ApiPropertyOptional({ description: 'Only the rooms waiting in this department (id)', maxLength: LIMITS.id })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.id)
  department?: string;
}
