import { Body, Controller, HttpCode, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ROUTING_COMMANDS, type SetSettingCommand } from '@livechat/contracts';
import { OperatorTokenGuard } from '../auth/operator-token.guard.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { apiValidationPipe } from '../http/validation.pipe.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { IdParam } from './dto/id.param.js';
import { SetSettingDto } from './dto/set-setting.dto.js';

/** The routing settings (SPEC §6), by the reference's ids; routing checks the id and the value's type. */
@Controller('api/v1/settings')
@UseGuards(OperatorTokenGuard)
@UseInterceptors(SuccessEnvelopeInterceptor)
export class SettingsController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post(':_id')
  @HttpCode(200)
  set(@Param(apiValidationPipe(true)) params: IdParam, @Body(apiValidationPipe(true)) body: SetSettingDto): Promise<object> {
    const cmd: SetSettingCommand = { id: params._id, value: body.value };
    return this.rpc.request(ROUTING_COMMANDS.setSetting, cmd);
  }
}
