import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768–60999), so that an outgoing connection's local port can
// never take a service's port between the check here and the service's listen (or its restart).
const LOW = 20_000;
const HIGH = 32_000;

/** A TCP port that was free on loopback a moment ago, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await isFree(port)) return port;
  }
  throw new Error('no free port found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
