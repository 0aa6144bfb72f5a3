import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { LIMITS } from '@livechat/contracts';
import { IsOptionalNotNull } from '../../admin/dto/is-optional-not-null.decorator.js';
import { RequiredText } from './message-fields.js';

/** `GET livechat/config` (docs/api.md#widget-bootstrap): the reference's keys (its isGETLivechatConfigParams). Any other key is refused. */
export class WidgetConfigQuery {
  @ApiPropertyOptional({ description: 'A visitor token: the answer then carries the visitor, their open room and its agent', maxLength: LIMITS.token })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.token)
  token?: string;

  @ApiPropertyOptional({ description: 'A department (id or name): `online` is then counted for it and its fallback chain', maxLength: LIMITS.id })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  department?: string;

  @ApiPropertyOptional({ description: "The reference's business unit (an enterprise feature): taken and ignored, there are none here", maxLength: LIMITS.id })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LIMITS.id)
  businessUnit?: string;
}

/** `GET livechat/agent.info/:rid/:token` (docs/api.md#widget-bootstrap). */
export class AgentInfoParams {
  @RequiredText("The visitor's room")
  rid: string;

  @RequiredText('The visitor token', LIMITS.token, 'visitor-token-1')
  token: string;
}
