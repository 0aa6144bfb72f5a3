import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { AGENT_PRESENCES, type AgentPresence } from '@livechat/contracts';
import { ID_DOC, SuccessReplySchema, UserRefSchema } from '../../docs/common.schema.js';
import { WIDGET_SETTINGS } from '../widget-settings.js';
import { RoomSchema } from './room.schema.js';
import { VisitorSchema } from './visitor.schema.js';

/** The widget bootstrap replies (docs/api.md#widget-bootstrap), for the API document. */

@ApiSchema({ name: 'WidgetAgent' })
export class WidgetAgentSchema extends UserRefSchema {
  @ApiProperty({ example: 'Agent Smith' })
  name: string;
}

@ApiSchema({ name: 'WidgetDepartment' })
export class WidgetDepartmentSchema {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'Sales' })
  name: string;

  @ApiProperty()
  showOnRegistration: boolean;
}

@ApiSchema({
  name: 'WidgetConfig',
  description: 'With livechat disabled (Livechat_enabled false) only `{enabled: false}`, as the reference answers.',
})
export class WidgetConfigSchema {
  @ApiProperty({ description: 'Livechat_enabled' })
  enabled: boolean;

  @ApiPropertyOptional({ description: "Whether an agent is online for the department (its fallback chain included; anywhere without one), as docs/api.md#getting-or-opening-a-room's no-agent-online rule counts them" })
  online?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'What the widget may offer here', example: WIDGET_SETTINGS })
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({ type: () => [WidgetDepartmentSchema], description: 'The enabled departments' })
  departments?: WidgetDepartmentSchema[];

  @ApiPropertyOptional({ type: () => VisitorSchema, description: 'The visitor with `token`, when there is one' })
  guest?: VisitorSchema;

  @ApiPropertyOptional({ type: () => RoomSchema, description: 'Their open room, when they have one' })
  room?: RoomSchema;

  @ApiPropertyOptional({ type: () => WidgetAgentSchema, description: 'The agent serving that room, when it is served' })
  agent?: WidgetAgentSchema;
}

@ApiSchema({ name: 'WidgetConfigReply' })
export class WidgetConfigReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => WidgetConfigSchema })
  config: WidgetConfigSchema;
}

@ApiSchema({ name: 'AgentInfo' })
export class AgentInfoSchema extends WidgetAgentSchema {
  @ApiProperty({ enum: AGENT_PRESENCES })
  status: AgentPresence;
}

@ApiSchema({ name: 'AgentInfoReply' })
export class AgentInfoReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => AgentInfoSchema })
  agent: AgentInfoSchema;
}
