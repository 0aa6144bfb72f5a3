import { redactUrl } from './request-logging.js';

describe('redactUrl', () => {
  it.each([
    ['/api/v1/livechat/room?token=visitor-1', '/api/v1/livechat/room?token=***'],
    ['/api/v1/livechat/room?token=visitor-1&rid=abc', '/api/v1/livechat/room?token=***&rid=abc'],
    ['/api/v1/livechat/room?rid=abc&TOKEN=visitor-1', '/api/v1/livechat/room?rid=abc&TOKEN=***'],
    ['/api/v1/livechat/room?%74oken=visitor-1', '/api/v1/livechat/room?token=***'],
    ['/api/v1/livechat/visitor/visitor-1', '/api/v1/livechat/visitor/***'],
    ['/api/v1/livechat/%76isitor/visitor-1', '/api/v1/livechat/visitor/***'],
    ['/api/v1/livechat/visitor', '/api/v1/livechat/visitor'],
    ['/api/v1/livechat/inquiries.queued?department=d1', '/api/v1/livechat/inquiries.queued?department=d1'],
    ['/health/ready', '/health/ready'],
    ['/bad%zz?token=x', '/bad%zz?token=***'],
  ])('logs %s as %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
