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

export class CustomFieldDto {
  @IsString()
  @MaxLength(LIMITS.name)
  key: string;

  @IsString()
  @MaxLength(LIMITS.message)
  value: string;

  @IsOptional()
  @IsBoolean()
  overwrite?: boolean;
}

export class VisitorInputDto {
  @IsDefined({ message: "'visitor.token' is required" })
  @IsString()
  @MaxLength(LIMITS.token)
  token: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  phone?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.id)
  department?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.name)
  username?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CustomFieldDto)
  customFields?: CustomFieldDto[];
}

/** `POST livechat/visitor` (SPEC §3). Unknown keys are dropped, as the reference ignores them. */
export class RegisterVisitorDto {
  @IsDefined({ message: "'visitor' is required" })
  @IsObject()
  @ValidateNested()
  @Type(() => VisitorInputDto)
  visitor: VisitorInputDto;
}
