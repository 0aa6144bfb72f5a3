import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

/** `POST livechat/room.close` (docs/api.md#closing-a-room): exactly `rid` and `token`. */
@ApiSchema({ name: 'CloseRoomBody' })
export class CloseRoomDto {
  @ApiProperty({ description: 'The room id', minLength: 1, maxLength: LIMITS.id })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  rid: string;

  @ApiProperty({ description: 'The visitor token', minLength: 1, maxLength: LIMITS.token, example: 'visitor-token-1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.token)
  token: string;
}
