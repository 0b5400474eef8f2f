import { connect } from 'node:net';

/**
 * One HTTP/1.1 request written by hand, for request targets `fetch` would
 * normalise (`//`, `//[`, `*`): the status line of the answer, or '' when
 * none came within `timeoutMs`.
 */
export function rawStatusLine(port: number, method: string, target: string, timeoutMs = 1000, headers = 'Content-Length: 0\r\n'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received.split('\r\n')[0] ?? '');
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
  });
}

export interface SlowRequest {
  /** Resolves when the server ends the connection: what it answered, and after how long. */
  ended: Promise<{ afterMs: number; received: string }>;
  /** Ends the connection from this side (cleanup). */
  destroy(): void;
}

/**
 * A client too slow for any server: writes `atOnce`, then `dribbled` one byte
 * every `intervalMs`, and never more (the slow-loris pattern).
 */
export function slowRequest(port: number, atOnce: string, dribbled = '', intervalMs = 1000): SlowRequest {
  const socket = connect(port, '127.0.0.1');
  const opened = Date.now();
  let received = '';
  let next = 0;
  const timer = setInterval(() => {
    if (next < dribbled.length) socket.write(dribbled.charAt(next++));
  }, intervalMs);
  socket.on('data', (chunk) => (received += chunk.toString()));
  const ended = new Promise<{ afterMs: number; received: string }>((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - opened, received });
    });
  });
  socket.on('error', () => undefined);
  if (atOnce) socket.write(atOnce);
  return {
    ended,
    destroy: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}
