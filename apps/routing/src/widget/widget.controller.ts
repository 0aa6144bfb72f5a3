import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type WidgetConfigCommand, type WidgetConfigReply } from '@livechat/contracts';
import { WidgetConfigService } from './widget-config.service.js';

@Controller()
export class WidgetController {
  constructor(private readonly widget: WidgetConfigService) {}

  @MessagePattern(ROUTING_COMMANDS.widgetConfig)
  config(@Payload() cmd: WidgetConfigCommand): Promise<WidgetConfigReply> {
    return this.widget.config(cmd);
  }
}
