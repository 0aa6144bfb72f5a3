import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Department, DepartmentAgent } from '@livechat/contracts';
import { DATE_DOC, ID_DOC, SuccessReplySchema } from '../../docs/common.schema.js';

/** Departments as the operator endpoints answer them (docs/api.md#operator-endpoints), for the API document. */

@ApiSchema({ name: 'Department' })
export class DepartmentSchema implements Department {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty({ example: 'Sales' })
  name: string;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty()
  showOnRegistration: boolean;

  @ApiPropertyOptional({ type: 'integer', description: 'Per agent; 0 = unlimited' })
  maxNumberSimultaneousChat?: number;

  @ApiPropertyOptional({ description: 'Department id' })
  fallbackForwardDepartment?: string;

  @ApiProperty({ type: 'integer' })
  numAgents: number;

  @ApiProperty(DATE_DOC)
  _updatedAt: string;
}

@ApiSchema({ name: 'DepartmentAgent' })
export class DepartmentAgentSchema implements DepartmentAgent {
  @ApiProperty(ID_DOC)
  _id: string;

  @ApiProperty()
  agentId: string;

  @ApiProperty()
  departmentId: string;

  @ApiProperty({ example: 'agent.smith' })
  username: string;

  @ApiProperty({ type: 'integer' })
  count: number;

  @ApiProperty({ type: 'integer' })
  order: number;
}

@ApiSchema({ name: 'SaveDepartmentReply' })
export class SaveDepartmentReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => DepartmentSchema })
  department: DepartmentSchema;

  @ApiProperty({ type: () => [DepartmentAgentSchema] })
  agents: DepartmentAgentSchema[];
}

@ApiSchema({ name: 'DepartmentListReply' })
export class DepartmentListReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => [DepartmentSchema] })
  departments: DepartmentSchema[];
}
