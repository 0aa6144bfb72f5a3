import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERRORS, ROOM_EVENTS, type RegisterVisitorCommand, type VisitorReply } from '@livechat/contracts';
import { CLOCK, Outbox, type Clock } from '@livechat/common';
import { roomEvent } from '../rooms/room-event.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { RoutingClient } from '../routing-client/routing.client.js';
import { toVisitor } from './visitor.mapper.js';
import { VisitorsRepository } from './visitors.repository.js';

@Injectable()
export class VisitorsService {
  constructor(
    private readonly visitors: VisitorsRepository,
    private readonly rooms: RoomsRepository,
    private readonly routing: RoutingClient,
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async register(cmd: RegisterVisitorCommand): Promise<VisitorReply> {
    if (cmd.token.trim() === '') throw new RpcException(ERRORS.emptyToken);
    let departmentId: string | undefined;
    if (cmd.department) {
      departmentId = (await this.routing.resolveDepartment(cmd.department)) ?? undefined;
      if (!departmentId) throw new RpcException(ERRORS.invalidDepartment);
    }
    const now = this.clock.now();
    const visitor = await this.outbox.transaction(async (manager) => {
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
      // docs/events.md: the rename of their open room is published (room.renamed), with the room as it now is.
      const room = cmd.name ? await this.rooms.renameOpenRoom(manager, saved.id, cmd.name, now) : null;
      if (room) await this.outbox.add(manager, [roomEvent(ROOM_EVENTS.renamed, room, room.updatedAt)]);
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
