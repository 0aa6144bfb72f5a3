import { Body, Controller, Get, HttpCode, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ERRORS,
  ROUTING_COMMANDS,
  type Inquiry,
  type ListInquiriesCommand,
  type TakeInquiryCommand,
} from '@livechat/contracts';
import { OperatorTokenGuard } from '../auth/operator-token.guard.js';
import { ApiAgentNotFound, ApiOperatorController, ApiRejects } from '../docs/api-docs.decorators.js';
import { SuccessEnvelopeInterceptor } from '../http/success-envelope.interceptor.js';
import { apiValidationPipe } from '../http/validation.pipe.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { InquiryListReplySchema, InquiryReplySchema } from './dto/inquiry.schema.js';
import { ListInquiriesQuery } from './dto/list-inquiries.query.js';
import { TakeInquiryDto } from './dto/take-inquiry.dto.js';

/** The waiting queue (SPEC §6): rooms nobody serves yet, oldest first. */
@Controller('api/v1/livechat')
@UseGuards(OperatorTokenGuard)
@ApiOperatorController()
@UseInterceptors(SuccessEnvelopeInterceptor)
export class InquiriesController {
  constructor(private readonly rpc: NatsRpc) {}

  @Get('inquiries.queued')
  @ApiOperation({ summary: 'List the waiting rooms, oldest first', description: 'Every waiting room, whatever the routing method.' })
  @ApiOkResponse({ type: InquiryListReplySchema })
  @ApiRejects("unknown parameter 'foo'")
  listQueued(@Query(apiValidationPipe(true)) query: ListInquiriesQuery): Promise<{ inquiries: Inquiry[] }> {
    const cmd: ListInquiriesCommand = { department: query.department };
    return this.rpc.request(ROUTING_COMMANDS.listInquiries, cmd);
  }

  @Post('inquiries.take')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give a waiting room to an agent', description: 'The room becomes served by that agent, within their capacity.' })
  @ApiOkResponse({ type: InquiryReplySchema })
  @ApiRejects("'inquiryId' should not be empty", ERRORS.invalidInquiry, ERRORS.agentAtCapacity)
  @ApiAgentNotFound()
  take(@Body(apiValidationPipe(true)) body: TakeInquiryDto): Promise<{ inquiry: Inquiry }> {
    const cmd: TakeInquiryCommand = { inquiryId: body.inquiryId, agentId: body.userId };
    return this.rpc.request(ROUTING_COMMANDS.takeInquiry, cmd);
  }
}
