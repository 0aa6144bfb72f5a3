import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * On SIGTERM/SIGINT, ends the HTTP connections that carry no request, now and as their last
 * request finishes. `server.close()` waits for every connection, and a browser keeps connections
 * open that never send a request (pre-connects, idle keep-alive), so without this a shutdown would
 * wait for the client. Requests in hand are never cut. Register before exitGracefullyOnSignals.
 */
export function endIdleConnectionsOnShutdown(server: Server): void {
  const requestsInHand = new Map<Socket, number>();
  let closing = false;
  const end = (socket: Socket) => {
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
  };
  server.on('connection', (socket: Socket) => {
    requestsInHand.set(socket, 0);
    socket.once('close', () => requestsInHand.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    requestsInHand.set(socket, (requestsInHand.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (requestsInHand.get(socket) ?? 1) - 1;
      requestsInHand.set(socket, left);
      if (closing && left === 0) end(socket);
    });
  });
  const onSignal = () => {
    closing = true;
    for (const [socket, count] of requestsInHand) if (count === 0) end(socket);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
