import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ERRORS, LIMITS } from '@livechat/contracts';

/**
 * A message's text (SPEC §2, §5a): a string, not blank, at most LIMITS.message characters; longer is
 * the reference's `message-length-exceeds-character-limit`. Missing: "'<path>' is required".
 */
export function MessageText(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description: 'The message text', minLength: 1, maxLength: LIMITS.message, example: 'Hello, I need help with my order' }),
    IsString(),
    Matches(/\S/, { message: ERRORS.emptyMessage.error }),
    MaxLength(LIMITS.message, { message: ERRORS.messageTooLong.error }),
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
