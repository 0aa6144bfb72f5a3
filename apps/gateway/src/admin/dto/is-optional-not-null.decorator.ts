import { ValidateIf } from 'class-validator';

/**
 * An optional field: absent is fine, but `null` is validated like any other value (and refused), so
 * a command never carries `null` where the contract says "absent". `@IsOptional()` lets `null` through.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
