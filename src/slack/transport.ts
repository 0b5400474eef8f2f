import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SocketModeReceiver, type App, type Logger, type Receiver, type webApi } from '@slack/bolt';
import { quietWhile, SocketModeLogger } from '../logging';
import { opsEndpoint, SlackHttpReceiver, type AckObserver, type OpsRoutes } from './receiver';

/**
 * How requests from Slack reach the bot: signed HTTP on `/slack/events`, or
 * Socket Mode (the bot connects out; `/healthz`, and `/metrics` when on, are
 * then served on the port alone). The rest of the bot does not need to know which.
 */
export interface SlackTransport {
  mode: 'http' | 'socket';
  receiver: Receiver;
  /** Binds the port (and opens the socket); answers the port bound. */
  start(app: App, port: number): Promise<number>;
  /** Takes no new request: the socket closes, the port stops listening. */
  stopTaking(app: App): Promise<void>;
  /** Ends every connection left (a request still arriving, or one past the drain). */
  close(): Promise<void>;
}

export interface TransportOptions extends OpsRoutes {
  logger: Logger;
  /** Tracks a request's handling, so shutdown can wait for it. */
  track: <T>(work: Promise<T>) => Promise<T>;
  clientOptions: webApi.WebClientOptions;
  /** Counts each ack with its latency, and Socket Mode's reconnections (metrics on). */
  observe?: TransportObserver;
}

/** What the transport reports for the metrics. */
export interface TransportObserver {
  ackObserved: AckObserver;
  socketModeReconnecting(): void;
}

export function slackTransport(slack: { appToken?: string; signingSecret?: string }, options: TransportOptions): SlackTransport {
  return slack.appToken ? socketTransport(slack.appToken, options) : httpTransport(slack.signingSecret as string, options);
}

const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

function httpTransport(signingSecret: string, { logger, health, metrics, track, observe }: TransportOptions): SlackTransport {
  const receiver = new SlackHttpReceiver({
    signingSecret,
    logger,
    health,
    ...(metrics ? { metrics } : {}),
    track,
    ...(observe ? { observeAck: (body: Record<string, unknown>, seconds: number) => observe.ackObserved(body, seconds) } : {}),
  });
  return {
    mode: 'http',
    receiver,
    start: async (_app, port) => portOf(await receiver.start(port)),
    stopTaking: async () => receiver.stopListening(),
    close: () => receiver.stop(),
  };
}

/** The most envelopes awaiting their ack that are timed at once: one never acked (a crash in Bolt) must not be kept for ever. */
const ENVELOPES_TIMED = 1000;

/**
 * Times each Socket Mode envelope from its arrival to its ack going out,
 * through the client's own events (`slack_event` in, `outgoing_message` out),
 * so Bolt's receiver is left as it is.
 */
function timeSocketAcks(socket: SocketModeReceiver['client'], observe: AckObserver): void {
  const arrived = new Map<string, { at: number; body: Record<string, unknown> }>();
  socket.on('slack_event', (event: { envelope_id?: string; body?: Record<string, unknown> }) => {
    if (!event.envelope_id) return;
    if (arrived.size >= ENVELOPES_TIMED) arrived.delete(arrived.keys().next().value as string);
    arrived.set(event.envelope_id, { at: performance.now(), body: event.body ?? {} });
  });
  socket.on('outgoing_message', (message: { envelope_id?: string }) => {
    const envelope = message.envelope_id === undefined ? undefined : arrived.get(message.envelope_id);
    if (!envelope || message.envelope_id === undefined) return;
    arrived.delete(message.envelope_id);
    observe(envelope.body, (performance.now() - envelope.at) / 1000);
  });
}

function socketTransport(appToken: string, { logger, health, metrics, clientOptions, observe }: TransportOptions): SlackTransport {
  // Until the first connection, what the client complains of (a refused app token) is the start-up error's cause, said there once.
  let connecting = true;
  const receiver = new SocketModeReceiver({
    appToken,
    logger: quietWhile(new SocketModeLogger(logger), () => connecting),
    installerOptions: { clientOptions },
  });
  if (observe) {
    // The Socket Mode client (not a Web client): its events say when an envelope came, was acked, or the socket reconnects.
    const socket = receiver.client;
    timeSocketAcks(socket, (body, seconds) => observe.ackObserved(body, seconds));
    socket.on('reconnecting', () => observe.socketModeReconnecting());
  }
  const endpoint = opsEndpoint({ health, ...(metrics ? { metrics } : {}) });
  return {
    mode: 'socket',
    receiver,
    async start(app, port) {
      const bound = portOf(await endpoint.start(port));
      try {
        await app.start();
      } catch (error) {
        await endpoint.stop().catch(() => undefined);
        throw error;
      } finally {
        connecting = false;
      }
      return bound;
    },
    async stopTaking(app) {
      await app.stop();
      endpoint.stopListening();
    },
    close: () => endpoint.stop(),
  };
}
