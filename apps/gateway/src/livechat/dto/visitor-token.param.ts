import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';

export class VisitorTokenParam {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.token)
  token: string;
}
