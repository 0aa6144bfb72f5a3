import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow, AUDIENCES } from '../auth/access.js';
import { RawReply } from '../http/success-envelope.interceptor.js';
import { CONSOLE_CONTENT_SECURITY_POLICY, CONSOLE_PAGE } from './console.page.js';

/**
 * `GET /console`: the operator console, one static page with no data in it. It asks for the operator
 * token, keeps it in sessionStorage and calls the operator endpoints with `X-Auth-Token`, so the
 * page itself needs no token. Not part of the API document.
 */
@Controller('console')
@Allow(AUDIENCES.anyone)
@ApiExcludeController()
@RawReply()
export class ConsolePageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY)
  @Header('Cache-Control', 'no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return CONSOLE_PAGE;
  }
}
