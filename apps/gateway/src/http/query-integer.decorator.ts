import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../admin/dto/is-optional-not-null.decorator.js';

/** An optional integer of a query (a page's size or offset): from `minimum` to PostgreSQL's integer maximum. */
export function OptionalQueryInteger(doc: { minimum: number; default: number; description: string }): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', ...doc }),
    IsOptionalNotNull(),
    Type(() => Number),
    IsInt(),
    Min(doc.minimum),
    Max(2_147_483_647),
  );
}
