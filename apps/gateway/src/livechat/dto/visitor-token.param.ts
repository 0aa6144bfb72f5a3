import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

export class VisitorTokenParam {
  @ApiProperty({ description: 'The visitor token', minLength: 1, maxLength: LIMITS.token, example: 'visitor-token-1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.token)
  token: string;
}
