import {
  BadRequestException,
  Injectable,
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';

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
 * `forbidNonWhitelisted` never sees them: `?token=t&constructor=x`, or a body with a `prototype` key,
 * would pass. No DTO declares one, so each is unknown.
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

/** The DTOs whose unknown keys are dropped rather than refused (DropsUnknownKeys). */
const LENIENT_DTOS = new WeakSet<object>();

/**
 * Marks a DTO whose unknown keys are dropped without a word instead of refused with a 400, as the
 * reference does for it (livechat/visitor). Every other DTO is strict.
 */
export function DropsUnknownKeys(): ClassDecorator {
  return (target) => {
    LENIENT_DTOS.add(target);
  };
}

class DtoValidationPipe extends ValidationPipe {
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
 * Validation at the edge, registered once for every handler (APP_PIPE): the body, query and route
 * parameters against their DTO, types and bounds, a readable 400 otherwise. Keys the DTO does not
 * name are refused, unless the DTO DropsUnknownKeys. Parameters from the handler's own decorators
 * (the caller's principal) are not input and pass as they are. Bodies are at most MAX_DEPTH deep by
 * then (strict-input.ts), so the walk above is bounded.
 */
@Injectable()
export class ApiValidationPipe implements PipeTransform {
  private readonly strict = new DtoValidationPipe(true);
  private readonly lenient = new DtoValidationPipe(false);

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> | unknown {
    if (metadata.type === 'custom') return value;
    const lenient = metadata.metatype !== undefined && LENIENT_DTOS.has(metadata.metatype);
    return (lenient ? this.lenient : this.strict).transform(value, metadata);
  }
}
