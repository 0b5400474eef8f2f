import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A lean stand-in for Slack's Web API on loopback, for the benchmark only.
 *
 * Unlike `test/support/fake-slack.ts` it keeps no call log (2,000 modals of
 * 10 kB each would be measured as garbage collection) and parses no view: it
 * counts calls per method and notes *when* a call carrying a given marker
 * arrives (a trigger_id, or an instance host in a posted message), on the
 * bench process's `performance.now()` clock, the one requests are timed with.
 * It is a copy rather than an import because `tsconfig.build.json` compiles
 * `bench/` but not `test/`.
 */

interface Waiter {
  marker: string;
  resolve(arrivedAt: number): void;
}

/** Raw bodies are searched for markers as they arrive; URL-encoding leaves [a-z0-9] markers intact. */
export class BenchSlack {
  private server?: Server;
  private baseUrl = '';
  private ts = 1000;
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly countWaiters: Array<{ method: string; count: number; resolve(): void }> = [];

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      void this.handle(req).then(
        (answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
        () => res.writeHead(500).end(),
      );
    });
    // Slack keeps connections alive; so does the Web client's agent: no per-call TCP set-up in the figures.
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The value for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A response_url that lands here (respond() posts to it, not to the Web API). */
  responseUrl(id: string): string {
    return `${this.baseUrl}/response/${id}`;
  }

  count(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  /**
   * Resolves with the arrival time of the next call to `method` whose body
   * contains `marker`. Register it before sending what causes the call.
   */
  arrival(method: string, marker: string, timeoutMs = 30_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(method) ?? [];
      const timer = setTimeout(() => {
        const index = list.indexOf(waiter);
        if (index >= 0) list.splice(index, 1);
        reject(new Error(`no ${method} carrying ${marker} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        marker,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      list.push(waiter);
      this.waiters.set(method, list);
    });
  }

  /** Resolves once `count` calls to `method` have arrived in all. */
  untilCount(method: string, count: number, timeoutMs = 60_000): Promise<void> {
    if (this.count(method) >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: ${this.count(method)} of ${count} calls within ${timeoutMs} ms`)), timeoutMs);
      this.countWaiters.push({
        method,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private async handle(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const arrivedAt = performance.now();
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = path.startsWith('/response/') ? 'response_url' : path.replace(/^\/api\//, '');
    // A response_url is told apart by its path (it carries the marker the bench handed out).
    this.note(method, method === 'response_url' ? `${path}\n${body}` : body, arrivedAt);
    return this.answer(method, body, req.headers['content-type']);
  }

  private note(method: string, body: string, arrivedAt: number): void {
    const count = this.count(method) + 1;
    this.counts.set(method, count);
    const list = this.waiters.get(method);
    if (list) {
      const index = list.findIndex((w) => body.includes(w.marker));
      if (index >= 0) list.splice(index, 1)[0]?.resolve(arrivedAt);
    }
    for (let i = this.countWaiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.countWaiters[i];
      if (waiter && waiter.method === method && count >= waiter.count) {
        this.countWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Only the arguments an answer echoes are read; views and blocks are never parsed. */
  private field(body: string, contentType: string | undefined, name: string): string | undefined {
    if (contentType?.includes('application/json')) {
      const value = (JSON.parse(body || '{}') as Record<string, unknown>)[name];
      return value === undefined ? undefined : String(value);
    }
    return new URLSearchParams(body).get(name) ?? undefined;
  }

  private answer(method: string, body: string, contentType: string | undefined): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT0001', bot_id: 'BBOT0001', team_id: 'T0TEAM001' };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: 'V0VIEW001' } };
      case 'chat.postMessage': {
        this.ts += 1;
        const channel = (this.field(body, contentType, 'channel') ?? 'C0CHANNEL1').replace(/^[UW]/, 'D');
        return { ok: true, channel, ts: `${this.ts}.000100` };
      }
      case 'chat.update':
        return { ok: true, channel: this.field(body, contentType, 'channel'), ts: this.field(body, contentType, 'ts') };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: '1.000200' };
      case 'usergroups.users.list':
        return { ok: true, users: [] };
      case 'users.info':
        return { ok: true, user: { id: this.field(body, contentType, 'user'), tz: 'Europe/Berlin' } };
      case 'conversations.join':
        return { ok: true, channel: { id: this.field(body, contentType, 'channel') } };
      case 'response_url':
        return { ok: true };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
