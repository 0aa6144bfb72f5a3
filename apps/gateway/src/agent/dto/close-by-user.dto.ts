import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { ERRORS, LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';
import { RequiredText } from '../../livechat/dto/message-fields.js';

/** `POST livechat/room.closeByUser` (docs/api.md#agents-sign-in): exactly `rid` and, optionally, `comment`. */
@ApiSchema({ name: 'CloseByUserBody' })
export class CloseByUserDto {
  @RequiredText('An open room the agent serves')
  rid: string;

  @ApiPropertyOptional({ description: 'The closing comment: the text of the livechat-close message', maxLength: LIMITS.message })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.message, { message: ERRORS.messageLengthExceedsCharacterLimit.error })
  comment?: string;
}
