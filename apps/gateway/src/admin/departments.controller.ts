import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ERRORS,
  ROUTING_COMMANDS,
  type Department,
  type SaveDepartmentCommand,
  type SaveDepartmentReply,
} from '@livechat/contracts';
import { Allow, AUDIENCES } from '../auth/access.js';
import { ApiOperatorController, ApiRejects } from '../docs/api-docs.decorators.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { DepartmentListReplySchema, SaveDepartmentReplySchema } from './dto/department.schema.js';
import { IdParam } from './dto/id.param.js';
import { SaveDepartmentDto } from './dto/save-department.dto.js';

/** Livechat departments (docs/api.md#operator-endpoints), owned by the routing service. */
@Controller('api/v1/livechat/department')
@Allow(AUDIENCES.operator)
@ApiOperatorController()
export class DepartmentsController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a department, with its agents' })
  @ApiOkResponse({ type: SaveDepartmentReplySchema })
  @ApiRejects("'department' is required", ERRORS.invalidDepartment, ERRORS.invalidAgent, ERRORS.duplicatedDepartmentName)
  create(@Body() body: SaveDepartmentDto): Promise<SaveDepartmentReply> {
    const cmd: SaveDepartmentCommand = { department: body.department, agents: body.agents };
    return this.rpc.request(ROUTING_COMMANDS.saveDepartment, cmd);
  }

  @Get()
  @ApiOperation({ summary: 'List the departments' })
  @ApiOkResponse({ type: DepartmentListReplySchema })
  @ApiRejects()
  list(): Promise<{ departments: Department[] }> {
    return this.rpc.request(ROUTING_COMMANDS.listDepartments, {});
  }

  @Put(':_id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Update a department',
    description: 'Without `agents` the members are kept; with `agents` they are replaced. An unknown id is a 400.',
  })
  @ApiOkResponse({ type: SaveDepartmentReplySchema })
  @ApiRejects("'department' is required", ERRORS.invalidDepartment, ERRORS.invalidAgent, ERRORS.duplicatedDepartmentName)
  update(
    @Param() params: IdParam,
    @Body() body: SaveDepartmentDto,
  ): Promise<SaveDepartmentReply> {
    const cmd: SaveDepartmentCommand = { departmentId: params._id, department: body.department, agents: body.agents };
    return this.rpc.request(ROUTING_COMMANDS.saveDepartment, cmd);
  }
}
