import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ROUTING_COMMANDS,
  type Department,
  type ResolveDepartmentCommand,
  type ResolveDepartmentReply,
  type SaveDepartmentCommand,
  type SaveDepartmentReply,
} from '@livechat/contracts';
import { DepartmentsService } from './departments.service.js';

@Controller()
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @MessagePattern(ROUTING_COMMANDS.resolveDepartment)
  async resolve(@Payload() cmd: ResolveDepartmentCommand): Promise<ResolveDepartmentReply> {
    return { departmentId: await this.departments.resolve(cmd.department) };
  }

  @MessagePattern(ROUTING_COMMANDS.saveDepartment)
  save(@Payload() cmd: SaveDepartmentCommand): Promise<SaveDepartmentReply> {
    return this.departments.save(cmd);
  }

  @MessagePattern(ROUTING_COMMANDS.listDepartments)
  async list(): Promise<{ departments: Department[] }> {
    return { departments: await this.departments.list() };
  }
}
