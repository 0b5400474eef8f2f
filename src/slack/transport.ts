import type { AddressInfo } from 'node:net';
import { SocketModeReceiver, type App, type Logger, type Receiver, type webApi } from '@slack/bolt';
import { SocketModeLogger } from '../logging';
import { healthEndpoint, SlackHttpReceiver, type HealthCheck } from './receiver';

/**
 * How requests from Slack reach the bot: signed HTTP on `/slack/events`, or
 * Socket Mode (the bot connects out; `/healthz` is then served on the port
 * alone). The rest of the bot does not need to know which.
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

export interface TransportOptions {
  logger: Logger;
  health: HealthCheck;
  /** Tracks a request's handling, so shutdown can wait for it. */
  track: <T>(work: Promise<T>) => Promise<T>;
  clientOptions: webApi.WebClientOptions;
}

export function slackTransport(slack: { appToken?: string; signingSecret?: string }, options: TransportOptions): SlackTransport {
  return slack.appToken ? socketTransport(slack.appToken, options) : httpTransport(slack.signingSecret as string, options);
}

const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

function httpTransport(signingSecret: string, { logger, health, track }: TransportOptions): SlackTransport {
  const receiver = new SlackHttpReceiver({ signingSecret, logger, health, track });
  return {
    mode: 'http',
    receiver,
    start: async (_app, port) => portOf(await receiver.start(port)),
    stopTaking: async () => receiver.stopListening(),
    close: () => receiver.stop(),
  };
}

function socketTransport(appToken: string, { logger, health, clientOptions }: TransportOptions): SlackTransport {
  const receiver = new SocketModeReceiver({ appToken, logger: new SocketModeLogger(logger), installerOptions: { clientOptions } });
  const endpoint = healthEndpoint(health);
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
