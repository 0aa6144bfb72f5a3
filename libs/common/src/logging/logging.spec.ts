import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions, pinoLevel, type LogLevelName } from './logging.js';
import { runInRequest } from './request-context.js';

describe('pinoLevel', () => {
  it.each<[LogLevelName, string]>([
    ['fatal', 'fatal'],
    ['error', 'error'],
    ['warn', 'warn'],
    ['log', 'info'],
    ['info', 'info'],
    ['debug', 'debug'],
    ['verbose', 'trace'],
    ['trace', 'trace'],
    ['silent', 'silent'],
  ])('reads %s as pino level %s', (level, expected) => {
    expect(pinoLevel(level)).toBe(expected);
  });
});

describe('loggerOptions (json)', () => {
  function capture(stampRequestId: boolean, level: LogLevelName = 'info') {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = pino(loggerOptions({ service: 'rooms', level, format: 'json', stampRequestId }), sink);
    return { logger, lines };
  }

  it('writes one JSON object a line with the level name, an ISO time and the service', () => {
    const { logger, lines } = capture(true);
    logger.info({ context: 'Outbox' }, 'hello');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'rooms', context: 'Outbox', msg: 'hello', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
    ]);
  });

  it('stamps the request id on lines written inside a request, and only there', () => {
    const { logger, lines } = capture(true);
    runInRequest('req-42', () => logger.warn('inside'));
    logger.warn('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', requestId: 'req-42' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('leaves the request id out when asked to', () => {
    const { logger, lines } = capture(false);
    runInRequest('req-42', () => logger.warn('inside'));
    expect(lines[0]).not.toHaveProperty('requestId');
  });

  it('drops lines below the level: LOG_LEVEL=warn silences the info access lines', () => {
    const { logger, lines } = capture(true, 'warn');
    logger.info('request completed');
    logger.debug('rooms.get-or-open ok in 1.0 ms');
    expect(lines).toEqual([]);
  });
});
