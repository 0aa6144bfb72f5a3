import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** `POST livechat/inquiries.take` (SPEC §6): `userId` is the agent who takes it. */
export class TakeInquiryDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  inquiryId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  userId: string;
}
