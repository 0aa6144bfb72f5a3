import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { DropsUnknownKeys } from '../../http/validation.pipe.js';

@ApiSchema({ name: 'CustomFieldInput' })
export class CustomFieldDto {
  @ApiProperty({ maxLength: LIMITS.name })
  @IsString()
  @MaxLength(LIMITS.name)
  key: string;

  @ApiProperty({ maxLength: LIMITS.message })
  @IsString()
  @MaxLength(LIMITS.message)
  value: string;

  @ApiPropertyOptional({ description: 'Replace a value the visitor already has (kept otherwise)' })
  @IsOptional()
  @IsBoolean()
  overwrite?: boolean;
}

@ApiSchema({ name: 'VisitorInput' })
export class VisitorInputDto {
  @ApiProperty({
    description: 'Creates the visitor with this token, or updates the one that has it; empty → 400 error-invalid-token',
    maxLength: LIMITS.token,
    example: 'visitor-token-1',
  })
  @IsDefined({ message: "'visitor.token' is required" })
  @IsString()
  @MaxLength(LIMITS.token)
  token: string;

  @ApiPropertyOptional({ maxLength: LIMITS.name, example: 'Mary' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  name?: string;

  @ApiPropertyOptional({ maxLength: LIMITS.name, example: 'mary@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  email?: string;

  @ApiPropertyOptional({ description: 'A visitor matching an existing one by phone keeps the existing token', maxLength: LIMITS.name })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  phone?: string;

  @ApiPropertyOptional({
    description: 'A department id or name, stored as its id; unknown → 400 error-invalid-department',
    maxLength: LIMITS.id,
  })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.id)
  department?: string;

  @ApiPropertyOptional({ description: 'Default for a new visitor: guest-<n>', maxLength: LIMITS.name })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  username?: string;

  @ApiPropertyOptional({ type: () => [CustomFieldDto], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true, message: 'each of customFields must be an object' })
  @ValidateNested({ each: true })
  @Type(() => CustomFieldDto)
  customFields?: CustomFieldDto[];
}

/** `POST livechat/visitor` (docs/api.md#visitors). Unknown keys are dropped, as the reference ignores them. */
@ApiSchema({ name: 'RegisterVisitorBody', description: 'Unknown keys are dropped, as the reference ignores them.' })
@DropsUnknownKeys()
export class RegisterVisitorDto {
  @ApiProperty({ type: () => VisitorInputDto })
  @IsDefined({ message: "'visitor' is required" })
  @IsObject()
  @ValidateNested()
  @Type(() => VisitorInputDto)
  visitor: VisitorInputDto;
}
