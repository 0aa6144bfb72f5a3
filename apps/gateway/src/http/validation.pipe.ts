import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    if (e.constraints?.whitelistValidation) return [`unknown parameter '${path}'`];
    // A required parameter that is not there is missing, whatever rule failed first (a DTO's own
    // IsDefined message, such as error-token-param-not-provided, says it in the reference's words).
    if (e.value === undefined && e.constraints && !e.constraints.isDefined) return [`'${path}' is required`];
    return [
      ...Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `'${path}'${m.slice(e.property.length)}` : m)),
      ...messages(e.children ?? [], `${path}.`),
    ];
  });
}

/**
 * The path of the first key named like a member of Object.prototype (`constructor`, `toString`,
 * `__proto__`…) or `prototype`, or null. class-transformer skips such keys without a word, so
 * `forbidNonWhitelisted` never sees them: `?token=t&constructor=x` was answered 200, and so was a body
 * with a `prototype` key. No DTO declares one, so each is unknown.
 */
export function inheritedKey(value: unknown, path = ''): string | null {
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && (key === '__proto__' || key === 'prototype' || Object.hasOwn(Object.prototype, key))) return here;
    const nested = inheritedKey(item, here);
    if (nested) return nested;
  }
  return null;
}

class ApiValidationPipe extends ValidationPipe {
  constructor(private readonly strict: boolean) {
    super({
      whitelist: true,
      forbidNonWhitelisted: strict,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: true,
      // The value is kept to tell a missing parameter from a wrong one; it is never put in the answer.
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new BadRequestException(messages(errors).join('; ') || 'invalid request'),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const key = this.strict ? inheritedKey(value) : null;
    if (key) throw new BadRequestException(`unknown parameter '${key}'`);
    return super.transform(value, metadata);
  }
}

/**
 * Validation at the edge: types and bounds from the DTO, a readable 400 otherwise. `strict` also
 * refuses keys the DTO does not name (GET livechat/room, room.close); otherwise they are dropped.
 * Bodies are at most MAX_DEPTH deep by then (strict-input.ts), so the walk above is bounded.
 */
export function apiValidationPipe(strict: boolean): ValidationPipe {
  return new ApiValidationPipe(strict);
}
