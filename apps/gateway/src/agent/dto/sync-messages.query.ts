import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ERRORS, LIMITS } from '@livechat/contracts';

/** `GET chat.syncMessages` (docs/api.md#agents-sign-in), with the reference's messages for a missing or bad parameter. Any other key is refused. */
export class SyncMessagesQuery {
  @ApiProperty({ description: 'A room the agent serves or served', minLength: 1, maxLength: LIMITS.id })
  @IsDefined({ message: ERRORS.roomIdParamNotProvided.error })
  @IsString()
  @IsNotEmpty({ message: ERRORS.roomIdParamNotProvided.error })
  @MaxLength(LIMITS.id)
  roomId: string;

  @ApiProperty({ description: 'Only messages changed strictly after this date (ISO-8601)', format: 'date-time' })
  @IsDefined({ message: ERRORS.lastUpdateParamNotProvided.error })
  @IsNotEmpty({ message: ERRORS.lastUpdateParamNotProvided.error })
  @IsISO8601({ strict: true }, { message: ERRORS.lastUpdateInvalid.error })
  lastUpdate: string;
}
