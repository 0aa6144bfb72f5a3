import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type SetSettingCommand } from '@livechat/contracts';
import { QueueDispatcher } from '../queue/queue.dispatcher.js';
import { SettingsService } from './settings.service.js';

@Controller()
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly queue: QueueDispatcher,
  ) {}

  @MessagePattern(ROUTING_COMMANDS.setSetting)
  async set(@Payload() cmd: SetSettingCommand): Promise<Record<string, never>> {
    await this.settings.set(cmd.id, cmd.value);
    // Any setting may make an agent eligible (a raised limit, idle agents allowed, a method change).
    this.queue.request();
    return {};
  }
}
