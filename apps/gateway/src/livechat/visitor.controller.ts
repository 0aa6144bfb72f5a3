import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ERRORS, ROOMS_COMMANDS, type VisitorReply } from '@livechat/contracts';
import { Allow, AUDIENCES } from '../auth/access.js';
import { ApiLivechatController, ApiRejects } from '../docs/api-docs.decorators.js';
import { NatsRpc } from '../rpc/nats-rpc.service.js';
import { RegisterVisitorDto } from './dto/register-visitor.dto.js';
import { VisitorTokenParam } from './dto/visitor-token.param.js';
import { VisitorReplySchema } from './dto/visitor.schema.js';

@Controller('api/v1/livechat/visitor')
@Allow(AUDIENCES.anyone)
@ApiLivechatController()
export class VisitorController {
  constructor(private readonly rpc: NatsRpc) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Register a visitor, or update the one with this token',
    description: "A new visitor gets username guest-<n> unless given. Name changes are copied into the fname of the visitor's open room.",
  })
  @ApiOkResponse({ type: VisitorReplySchema })
  @ApiRejects("'visitor.token' is required", ERRORS.emptyToken, ERRORS.invalidDepartment)
  register(@Body() body: RegisterVisitorDto): Promise<VisitorReply> {
    return this.rpc.request(ROOMS_COMMANDS.registerVisitor, body.visitor);
  }

  @Get(':token')
  @ApiOperation({ summary: 'Get the visitor with this token' })
  @ApiOkResponse({ type: VisitorReplySchema })
  @ApiRejects("'token' must be shorter than or equal to 256 characters", ERRORS.unknownVisitorToken)
  get(@Param() params: VisitorTokenParam): Promise<VisitorReply> {
    return this.rpc.request(ROOMS_COMMANDS.getVisitor, { token: params.token });
  }
}
