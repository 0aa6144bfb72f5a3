import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsDefined, ValidateBy } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/**
 * A setting value is a string, a finite number or a boolean; whether it fits the setting id is the
 * routing service's call (it owns the settings).
 */
function IsSettingValue(): PropertyDecorator {
  return ValidateBy({
    name: 'isSettingValue',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.length <= LIMITS.name),
      defaultMessage: () => `value must be a string of at most ${LIMITS.name} characters, a number or a boolean`,
    },
  });
}

/** `POST settings/:_id` (docs/api.md#settings). */
@ApiSchema({ name: 'SetSettingBody' })
export class SetSettingDto {
  @ApiProperty({
    description: 'The new value; its type must fit the setting (e.g. a boolean for Livechat_enabled), else 400',
    oneOf: [{ type: 'string', maxLength: LIMITS.name }, { type: 'number' }, { type: 'boolean' }],
    example: true,
  })
  @IsDefined({ message: "'value' is required" })
  @IsSettingValue()
  value: string | number | boolean;
}
