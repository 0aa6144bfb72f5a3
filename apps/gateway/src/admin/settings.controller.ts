import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { DEFAULT_SETTINGS, ERRORS, ROUTING_COMMANDS, type SetSettingCommand } from '@livechat/contracts';
import { Allow, AUDIENCES } from '../auth/access.js';
import { ApiOperatorController, ApiRejects } from '../docs/api-docs.decorators.js';
import { SuccessReplySchema } from '../docs/common.schema.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { IdParam } from './dto/id.param.js';
import { SetSettingDto } from './dto/set-setting.dto.js';

/** The routing settings (docs/api.md#settings), by the reference's ids; routing checks the id and the value's type. */
@Controller('api/v1/settings')
@Allow(AUDIENCES.operator)
@ApiOperatorController()
export class SettingsController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post(':_id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change a routing setting',
    description: [
      'Takes effect at once for the next routing decision. The settings and their defaults:',
      ...Object.entries(DEFAULT_SETTINGS).map(([id, value]) => `- \`${id}\`: ${JSON.stringify(value)}`),
      '',
      '`Livechat_Routing_Method` is one of Auto_Selection, Load_Balancing, Load_Rotation, Manual_Selection;',
      '`Livechat_maximum_chats_per_agent` 0 means unlimited.',
    ].join('\n'),
  })
  @ApiParam({ name: '_id', description: 'The setting id', enum: Object.keys(DEFAULT_SETTINGS) })
  @ApiOkResponse({ type: SuccessReplySchema })
  @ApiRejects("'value' is required", ERRORS.invalidSetting)
  set(@Param() params: IdParam, @Body() body: SetSettingDto): Promise<object> {
    const cmd: SetSettingCommand = { id: params._id, value: body.value };
    return this.rpc.request(ROUTING_COMMANDS.setSetting, cmd);
  }
}
