import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** `GET livechat/room` (SPEC §4). Any other query key is refused. */
export class GetRoomQuery {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.token)
  token: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.id)
  rid?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.id)
  agentId?: string;
}
