import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

/** `POST livechat/inquiries.take` (docs/api.md#operator-endpoints, docs/api.md#agents-sign-in): `userId` is the agent who takes it (required with the operator token). */
@ApiSchema({ name: 'TakeInquiryBody' })
export class TakeInquiryDto {
  @ApiProperty({ description: 'The inquiry id (inquiries.queued)', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  inquiryId: string;

  @ApiPropertyOptional({ description: "The agent who takes it: required with the operator token; an agent's own (or omitted)", minLength: 1, maxLength: LIMITS.id })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  userId?: string;
}
