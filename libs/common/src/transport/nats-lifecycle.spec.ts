import { createServer, type Server, type Socket } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { closeConnection } from './nats-lifecycle.js';

/**
 * A NATS server that goes away: it greets, answers PINGs, and then ends the connection (as a
 * killed server's kernel does), which the client sees as the socket's 'end'.
 */
async function vanishingServer(): Promise<{ server: Server; url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.write('INFO {"server_id":"fake","version":"2.10.0","max_payload":1048576,"headers":true,"proto":1}\r\n');
    socket.on('data', (data) => {
      if (String(data).includes('PING')) socket.write('PONG\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, sockets };
}

/**
 * The server ends the connection; just after the client ends its side (before the socket closes), a
 * command is flushed (it fails: write after end) and the connection is closed with `close`. Answers the
 * 'error' events the socket emitted with no listener: each would have been an uncaught exception.
 */
async function closeJustAfterTheServerLeft(close: (nc: NatsConnection) => Promise<void>): Promise<Error[]> {
  const { server, url, sockets } = await vanishingServer();
  const nc = await connect({ servers: url, reconnect: false });
  const socket = (nc as unknown as { protocol: { transport: { socket: Socket } } }).protocol.transport.socket;
  const unheard: Error[] = [];
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string, ...args: unknown[]) => {
    if (event === 'error' && socket.listenerCount('error') === 0) {
      unheard.push(args[0] as Error);
      return false;
    }
    return emit(event, ...args);
  }) as typeof socket.emit;
  const closed = new Promise<void>((resolve, reject) => {
    const end = socket.end.bind(socket);
    socket.end = ((...args: Parameters<Socket['end']>) => {
      const result = end(...args);
      nc.publish('anything', 'x'); // flushed in a microtask: written to the ended socket
      queueMicrotask(() => close(nc).then(resolve, reject));
      return result;
    }) as Socket['end'];
  });
  sockets[0].end();
  await closed;
  await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return unheard;
}

describe('closing a NATS connection just after its server left', () => {
  it('closeConnection: the failed write is reported to nats.js, nothing goes uncaught', async () => {
    expect(await closeJustAfterTheServerLeft((nc) => closeConnection(nc))).toEqual([]);
  });

  it("nc.close() alone: the error is emitted after nats.js removed its listeners (the library's bug the above works around)", async () => {
    // When this fails, @nats-io/transport-node no longer loses the error and closeConnection's wait can go.
    const unheard = await closeJustAfterTheServerLeft((nc) => nc.close());
    expect(unheard.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ERR_STREAM_WRITE_AFTER_END']);
  });
});
