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
