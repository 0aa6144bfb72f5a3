import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsISO8601, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { ERRORS, LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';
import { OptionalQueryInteger } from '../../http/query-integer.decorator.js';

/** `GET livechat/messages.history/:rid` (docs/api.md#messages). Any other query key is refused. */
export class MessageHistoryQuery {
  @ApiProperty({ description: 'The visitor token; missing → 400 error-token-param-not-provided', minLength: 1, maxLength: LIMITS.token })
  @IsDefined({ message: ERRORS.tokenParamNotProvided.error })
  @IsString()
  @IsNotEmpty({ message: ERRORS.tokenParamNotProvided.error })
  @MaxLength(LIMITS.token)
  token: string;

  @ApiPropertyOptional({ description: 'Only messages strictly before this date (ISO-8601)', format: 'date-time' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true }, { message: "'end' must be an ISO-8601 date" })
  end?: string;

  @OptionalQueryInteger({ minimum: 1, default: 20, description: 'Messages in the page; above 100 counts as 100' })
  limit?: number;

  @OptionalQueryInteger({ minimum: 0, default: 0, description: 'Messages to skip, newest first' })
  offset?: number;
}
