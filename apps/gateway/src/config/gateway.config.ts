import { BaseConfig } from '@livechat/common';
import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';

export class GatewayConfig extends BaseConfig {
  @IsInt()
  @Min(0)
  @Max(65_535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsString()
  @IsNotEmpty({ message: 'LIVECHAT_ADMIN_TOKEN must be set: operators authenticate with it (X-Auth-Token)' })
  LIVECHAT_ADMIN_TOKEN: string;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
