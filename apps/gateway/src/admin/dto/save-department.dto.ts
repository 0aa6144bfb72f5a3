import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { LIMITS, type DepartmentAgentInput, type DepartmentInput } from '@livechat/contracts';
import { ADMIN_LIMITS } from './admin-limits.js';
import { IsOptionalNotNull } from './is-optional-not-null.decorator.js';

@ApiSchema({ name: 'DepartmentInput' })
export class DepartmentInputDto implements DepartmentInput {
  @ApiProperty({ description: 'Unique', minLength: 1, maxLength: LIMITS.name, example: 'Sales' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  name: string;

  @ApiProperty()
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ description: 'A visitor without department and agentId may be placed here when it opens a room' })
  @IsBoolean()
  showOnRegistration: boolean;

  /** Per agent, their open rooms in this department; 0 = unlimited. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: ADMIN_LIMITS.maxInt,
    description: "Per agent, their open rooms in this department; 0 = unlimited",
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  maxNumberSimultaneousChat?: number;

  @ApiPropertyOptional({
    description: 'The department (id) that takes rooms nobody here can serve; must exist and not be this one',
    maxLength: LIMITS.id,
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.id)
  fallbackForwardDepartment?: string;
}

@ApiSchema({ name: 'DepartmentAgentInput' })
export class DepartmentAgentInputDto implements DepartmentAgentInput {
  @ApiProperty({ description: 'An existing agent id', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  agentId: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: ADMIN_LIMITS.maxInt })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  count?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: ADMIN_LIMITS.maxInt,
    description: 'Auto_Selection ties are broken by order, ascending',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  order?: number;
}

/** `POST livechat/department` and `PUT livechat/department/:_id` (docs/api.md#operator-endpoints). */
@ApiSchema({ name: 'SaveDepartmentBody' })
export class SaveDepartmentDto {
  @ApiProperty({ type: () => DepartmentInputDto })
  @IsDefined({ message: "'department' is required" })
  @IsObject()
  @ValidateNested()
  @Type(() => DepartmentInputDto)
  department: DepartmentInputDto;

  /** When given, replaces the members; absent keeps them (on PUT). */
  @ApiPropertyOptional({
    type: () => [DepartmentAgentInputDto],
    maxItems: ADMIN_LIMITS.maxItems,
    description: 'When given, replaces the members; absent keeps them (on PUT)',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(ADMIN_LIMITS.maxItems)
  @IsObject({ each: true, message: 'each of agents must be an object' })
  @ValidateNested({ each: true })
  @Type(() => DepartmentAgentInputDto)
  agents?: DepartmentAgentInputDto[];
}
