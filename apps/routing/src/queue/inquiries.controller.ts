import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ROUTING_COMMANDS, type Inquiry, type ListInquiriesCommand, type TakeInquiryCommand } from '@livechat/contracts';
import type { InquiryEntity } from './inquiry.entity.js';
import { InquiriesRepository } from './inquiries.repository.js';
import { QueueDispatcher } from './queue.dispatcher.js';

@Controller()
export class InquiriesController {
  constructor(
    private readonly inquiries: InquiriesRepository,
    private readonly queue: QueueDispatcher,
  ) {}

  @MessagePattern(ROUTING_COMMANDS.listInquiries)
  async list(@Payload() cmd: ListInquiriesCommand): Promise<{ inquiries: Inquiry[] }> {
    const rows = await this.inquiries.listQueued(cmd.department);
    return { inquiries: rows.map(toInquiry) };
  }

  @MessagePattern(ROUTING_COMMANDS.takeInquiry)
  async take(@Payload() cmd: TakeInquiryCommand): Promise<{ inquiry: Omit<Inquiry, 'status'> & { status: string } }> {
    const taken = await this.queue.take(cmd.inquiryId, cmd.agentId);
    return { inquiry: { ...toInquiry(taken), status: 'taken' } };
  }
}

export function toInquiry(i: InquiryEntity): Inquiry {
  const inquiry: Inquiry = {
    _id: i.id,
    rid: i.roomId,
    name: i.name ?? '',
    ts: (i.ts ?? i.queuedAt).toISOString(),
    status: 'queued',
    v: i.visitor ?? { _id: '', username: '', token: '' },
  };
  if (i.departmentId) inquiry.department = i.departmentId;
  return inquiry;
}
