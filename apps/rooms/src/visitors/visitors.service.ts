import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, type RegisterVisitorCommand, type VisitorReply } from '@livechat/contracts';
import { DataSource } from 'typeorm';
import { RoutingClient } from '../routing-client/routing.client.js';
import { toVisitor } from './visitor.mapper.js';
import { VisitorsRepository } from './visitors.repository.js';

@Injectable()
export class VisitorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly visitors: VisitorsRepository,
    private readonly routing: RoutingClient,
  ) {}

  async register(cmd: RegisterVisitorCommand): Promise<VisitorReply> {
    if (cmd.token.trim() === '') throw new RpcException(ERRORS.emptyToken);
    let departmentId: string | undefined;
    if (cmd.department) {
      departmentId = (await this.routing.resolveDepartment(cmd.department)) ?? undefined;
      if (!departmentId) throw new RpcException(ERRORS.invalidDepartment);
    }
    const now = new Date();
    const visitor = await this.dataSource.transaction(async (manager) => {
      // Reference behaviour: a new token whose phone matches a known visitor updates that visitor,
      // who keeps their token.
      let token = cmd.token;
      if (cmd.phone && !(await this.visitors.findByToken(cmd.token))) {
        token = (await this.visitors.findTokenByPhone(manager, cmd.phone)) ?? cmd.token;
      }
      const saved = await this.visitors.upsert(
        manager,
        { ...cmd, token, departmentId, customFields: cmd.customFields },
        now,
      );
      if (cmd.name) await this.visitors.renameOpenRoom(manager, saved.id, cmd.name, now);
      return saved;
    });
    return { visitor: toVisitor(visitor) };
  }

  async get(token: string): Promise<VisitorReply> {
    const visitor = await this.visitors.findByToken(token);
    if (!visitor) throw new RpcException(ERRORS.unknownVisitorToken);
    return { visitor: toVisitor(visitor) };
  }
}
