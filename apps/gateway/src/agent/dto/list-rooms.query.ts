import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';
import { OptionalQueryInteger } from '../../http/query-integer.decorator.js';

/** docs/api.md#agents-sign-in: the default page of `livechat/rooms` (the reference's API_Default_Count), and the most a page holds. */
export const ROOMS_PAGE = { default: 50, max: 100 } as const;

/**
 * `GET livechat/rooms` (docs/api.md#agents-sign-in). `agents[]` (the reference's query form of a list, repeated for several)
 * names whose rooms; for an agent it may only name themselves. Any other key is refused.
 */
export class ListRoomsQuery {
  @ApiPropertyOptional({
    name: 'agents[]',
    type: [String],
    description: "Only these agents' rooms (those they serve or served). An agent sees only their own: any other id is 403.",
  })
  @IsOptionalNotNull()
  // One `agents[]=x` arrives as a string, several as a list.
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(LIMITS.id, { each: true })
  'agents[]'?: string[];

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only open (true) or only closed (false) rooms' })
  @IsOptionalNotNull()
  @IsIn(['true', 'false'])
  open?: 'true' | 'false';

  @OptionalQueryInteger({ minimum: 1, default: ROOMS_PAGE.default, description: `Rooms in the page; above ${ROOMS_PAGE.max} counts as ${ROOMS_PAGE.max}` })
  count?: number;

  @OptionalQueryInteger({ minimum: 0, default: 0, description: 'Rooms to skip, newest first' })
  offset?: number;
}
