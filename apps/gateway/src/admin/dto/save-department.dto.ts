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

export class DepartmentInputDto implements DepartmentInput {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  name: string;

  @IsBoolean()
  enabled: boolean;

  @IsBoolean()
  showOnRegistration: boolean;

  /** Per agent, their open rooms in this department; 0 = unlimited. */
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  maxNumberSimultaneousChat?: number;

  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.id)
  fallbackForwardDepartment?: string;
}

export class DepartmentAgentInputDto implements DepartmentAgentInput {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  agentId: string;

  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  count?: number;

  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(ADMIN_LIMITS.maxInt)
  order?: number;
}

/** `POST livechat/department` and `PUT livechat/department/:_id` (SPEC §6). */
export class SaveDepartmentDto {
  @IsDefined({ message: "'department' is required" })
  @IsObject()
  @ValidateNested()
  @Type(() => DepartmentInputDto)
  department: DepartmentInputDto;

  /** When given, replaces the members; absent keeps them (on PUT). */
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(ADMIN_LIMITS.maxItems)
  @ValidateNested({ each: true })
  @Type(() => DepartmentAgentInputDto)
  agents?: DepartmentAgentInputDto[];
}
