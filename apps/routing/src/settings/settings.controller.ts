import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type SetSettingCommand } from '@livechat/contracts';
import { SettingsService } from './settings.service.js';

@Controller()
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @MessagePattern(ROUTING_COMMANDS.setSetting)
  async set(@Payload() cmd: SetSettingCommand): Promise<Record<string, never>> {
    await this.settings.set(cmd.id, cmd.value);
    return {};
  }
}
