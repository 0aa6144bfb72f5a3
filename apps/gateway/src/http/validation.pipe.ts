import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    if (e.constraints?.whitelistValidation) return [`unknown parameter '${path}'`];
    return [
      ...Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `'${path}'${m.slice(e.property.length)}` : m)),
      ...messages(e.children ?? [], `${path}.`),
    ];
  });
}

/**
 * Validation at the edge: types and bounds from the DTO, a readable 400 otherwise. `strict` also
 * refuses keys the DTO does not name (GET livechat/room, room.close); otherwise they are dropped.
 */
export function apiValidationPipe(strict: boolean): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: strict,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestException(messages(errors).join('; ') || 'invalid request'),
  });
}
