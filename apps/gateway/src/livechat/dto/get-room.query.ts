import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** `GET livechat/room` (docs/api.md#getting-or-opening-a-room). Any other query key is refused. */
export class GetRoomQuery {
  @ApiProperty({ description: 'The visitor token', minLength: 1, maxLength: LIMITS.token, example: 'visitor-token-1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.token)
  token: string;

  @ApiPropertyOptional({
    description: "The room to answer; it must be open and this visitor's, else 400 invalid-room. Empty counts as not given.",
    maxLength: LIMITS.id,
  })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.id)
  rid?: string;

  @ApiPropertyOptional({
    description: 'Preferred agent for a new room; routing gives it the room if eligible. Unknown ids are ignored.',
    maxLength: LIMITS.id,
  })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.id)
  agentId?: string;
}
