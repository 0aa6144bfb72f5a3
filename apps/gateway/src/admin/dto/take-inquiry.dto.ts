import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** `POST livechat/inquiries.take` (SPEC §6): `userId` is the agent who takes it. */
@ApiSchema({ name: 'TakeInquiryBody' })
export class TakeInquiryDto {
  @ApiProperty({ description: 'The inquiry id (inquiries.queued)', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  inquiryId: string;

  @ApiProperty({ description: 'The agent who takes it', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  userId: string;
}
