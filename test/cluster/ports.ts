import net from 'node:net';

/** A port of 127.0.0.1 free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port of 127.0.0.1 below the OS's ephemeral range (10000-32767): Temporal stores membership ports in a
 * PostgreSQL smallint, so the ports the OS hands out (32768 and up) are refused there.
 */
export async function freeLowPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10000 + Math.floor(Math.random() * 22000);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port of 127.0.0.1 between 10000 and 32000');
}
