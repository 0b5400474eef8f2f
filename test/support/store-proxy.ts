import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a store server (Redis, PostgreSQL) that a test can
 * make slow or unreachable while the bot keeps its connection settings: the
 * bot is given `url()` in place of the store's own URL.
 */
export interface StoreProxy {
  /** The store's URL with the proxy's host and port in it. */
  url(): string;
  /** Holds every answer from the store this long before passing it on (0: at once). Order is kept. */
  delay(ms: number): void;
  /** Drops every connection and refuses new ones, as a store that went away. */
  cut(): void;
  /** Takes connections again. */
  restore(): void;
  close(): Promise<void>;
}

export async function startStoreProxy(storeUrl: string): Promise<StoreProxy> {
  const target = new URL(storeUrl);
  const targetPort = Number(target.port || (target.protocol.startsWith('redis') ? 6379 : 5432));
  const sockets = new Set<Socket>();
  let delayMs = 0;
  let down = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, target.hostname);
    track(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // One queue a connection, drained in order: a change of delay cannot reorder the answers.
    const pending: Array<{ at: number; chunk: Buffer }> = [];
    let timer: NodeJS.Timeout | undefined;
    const drain = () => {
      timer = undefined;
      while (pending[0] && pending[0].at <= Date.now()) {
        const { chunk } = pending.shift() as { chunk: Buffer };
        if (client.writable) client.write(chunk);
      }
      if (pending[0]) timer = setTimeout(drain, pending[0].at - Date.now());
    };
    upstream.on('data', (chunk) => {
      pending.push({ at: Math.max(pending.at(-1)?.at ?? 0, Date.now() + delayMs), chunk });
      if (!timer) drain();
    });
    client.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxied = new URL(storeUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return {
    url: () => proxied.toString(),
    delay: (ms) => {
      delayMs = ms;
    },
    cut: () => {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      down = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
