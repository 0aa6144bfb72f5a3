import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** `POST livechat/room.close` (SPEC §5): exactly `rid` and `token`. */
export class CloseRoomDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  rid: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.token)
  token: string;
}
