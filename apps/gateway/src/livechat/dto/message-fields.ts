import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ERRORS, LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';

/**
 * A message's text (docs/api.md#conventions, docs/api.md#messages): a string, not blank, at most LIMITS.message characters; longer is
 * the reference's `message-length-exceeds-character-limit`. Missing: "'<path>' is required".
 */
export function MessageText(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description: 'The message text', minLength: 1, maxLength: LIMITS.message, example: 'Hello, I need help with my order' }),
    IsString(),
    Matches(/\S/, { message: ERRORS.emptyMessage.error }),
    MaxLength(LIMITS.message, { message: ERRORS.messageLengthExceedsCharacterLimit.error }),
  );
}

/** A required id or token of at most `max` characters. */
export function RequiredText(description: string, max: number = LIMITS.id, example?: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description, minLength: 1, maxLength: max, ...(example ? { example } : {}) }),
    IsString(),
    IsNotEmpty(),
    MaxLength(max),
  );
}

/**
 * A message's optional `_id`, the client's id for it (docs/api.md#messages): a retry with it stores nothing new; an
 * id naming any other message is `invalid-message-id`. 1 to LIMITS.id characters; absent: the server makes one.
 */
export function ClientMessageId(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description:
        "The client's id for the message: sending again with the same _id answers the stored message and changes nothing; " +
        'an _id naming any other message is 400 invalid-message-id. Absent: the server makes one.',
      minLength: 1,
      maxLength: LIMITS.id,
    }),
    IsOptionalNotNull(),
    IsString(),
    IsNotEmpty(),
    MaxLength(LIMITS.id),
  );
}
