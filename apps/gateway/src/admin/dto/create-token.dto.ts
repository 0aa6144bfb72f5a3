import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ERRORS, LIMITS } from '@livechat/contracts';

/** `POST users.createToken` (docs/api.md#agents-sign-in): the agent to make a token for. */
@ApiSchema({ name: 'CreateTokenBody' })
export class CreateTokenDto {
  @ApiProperty({ description: 'The agent id', minLength: 1, maxLength: LIMITS.id })
  @IsDefined({ message: ERRORS.userParamNotProvided.error })
  @IsString()
  @IsNotEmpty({ message: ERRORS.userParamNotProvided.error })
  @MaxLength(LIMITS.id)
  userId: string;
}
