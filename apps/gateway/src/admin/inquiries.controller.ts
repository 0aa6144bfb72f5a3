import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ERRORS,
  ROUTING_COMMANDS,
  type Inquiry,
  type ListInquiriesCommand,
  type TakeInquiryCommand,
} from '@livechat/contracts';
import { Allow, AUDIENCES, type Principal } from '../auth/access.js';
import { actingAgentId, CurrentPrincipal } from '../auth/principal.decorator.js';
import { ApiAgentNotFound, ApiForOneself, ApiOperatorController, ApiRejects } from '../docs/api-docs.decorators.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { InquiryListReplySchema, InquiryReplySchema } from './dto/inquiry.schema.js';
import { ListInquiriesQuery } from './dto/list-inquiries.query.js';
import { TakeInquiryDto } from './dto/take-inquiry.dto.js';

/** The waiting queue (docs/api.md#operator-endpoints): rooms nobody serves yet, oldest first. An agent may take one for themselves (docs/api.md#agents-sign-in). */
@Controller('api/v1/livechat')
@ApiOperatorController()
export class InquiriesController {
  constructor(private readonly rpc: NatsRpc) {}

  @Get('inquiries.queued')
  @Allow(AUDIENCES.operator)
  @ApiOperation({ summary: 'List the waiting rooms, oldest first', description: 'Every waiting room, whatever the routing method.' })
  @ApiOkResponse({ type: InquiryListReplySchema })
  @ApiRejects("unknown parameter 'foo'")
  listQueued(@Query() query: ListInquiriesQuery): Promise<{ inquiries: Inquiry[] }> {
    const cmd: ListInquiriesCommand = { department: query.department };
    return this.rpc.request(ROUTING_COMMANDS.listInquiries, cmd);
  }

  @Post('inquiries.take')
  @HttpCode(200)
  @Allow(AUDIENCES.operator, AUDIENCES.agent)
  @ApiOperation({
    summary: 'Give a waiting room to an agent',
    description:
      'The room becomes served by that agent, within their capacity. The operator names the agent (`userId`); an agent ' +
      "takes it for themselves (`userId` omitted or their own id; another agent's is 403).",
  })
  @ApiOkResponse({ type: InquiryReplySchema })
  @ApiRejects("'inquiryId' should not be empty", ERRORS.invalidInquiry, ERRORS.maxChatsReached)
  @ApiAgentNotFound()
  @ApiForOneself()
  take(@Body() body: TakeInquiryDto, @CurrentPrincipal() principal: Principal): Promise<{ inquiry: Inquiry }> {
    const cmd: TakeInquiryCommand = { inquiryId: body.inquiryId, agentId: actingAgentId(principal, body.userId, 'userId') };
    return this.rpc.request(ROUTING_COMMANDS.takeInquiry, cmd);
  }
}
