#!/usr/bin/env node
import { configWarnings, loadConfig, loadLogConfig } from './config';
import { isCodedError } from './domain/errors';
import { configSecrets, startBot, type RunningBot } from './bot';
import { createLogger, type RedactingLogger } from './logging';

/**
 * Every line the process writes goes through the bot's logger, in the
 * LOG_FORMAT asked for: before the configuration is read, one that knows no
 * secret yet (and redacts whatever the detector flags); once it is read, the
 * bot's own, which also hides the tokens, the signing secret and the store's
 * password.
 */
let logger: RedactingLogger = createLogger(loadLogConfig(), []);

/**
 * How long a bot told to stop while starting may take to close what it
 * opened before the process exits anyway: a container manager kills it
 * about 10 s after SIGTERM, and nothing has been served yet.
 */
const STOP_WHILE_STARTING_MS = 3000;

/**
 * Start-up failures a person can fix, as one readable message that names the
 * setting, its value and the cause (each start-up step words its own, see
 * startup.ts): never a stack trace.
 */
function explainStartupFailure(error: unknown): string | undefined {
  if (isCodedError(error, 'CONFIG_INVALID')) return error.message;
  if (isCodedError(error)) return `wfi-rotate cannot start: ${error.message}`;
  return undefined;
}

/** Exits once the message is out: a failed start may leave a client retrying (Redis reconnects), which must not keep the process alive. */
function exit(code: number): never {
  return process.exit(code);
}

async function main(): Promise<void> {
  // Before the check, as a misspelt name is often why a variable reads as missing.
  for (const warning of configWarnings()) logger.warn(`wfi-rotate: ${warning}`);
  const config = loadConfig();
  logger = createLogger(config, configSecrets(config));
  // Listening before the bot starts: a SIGTERM that arrives while it is still
  // starting (a fast rolling deploy, a start that waits on Slack or the store)
  // stops the start where it is; one that arrives later stops it gracefully.
  const starting = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const started: { stop?: () => void } = {};
  let giveUp: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    if (started.stop) {
      logger.info(`${signal} received: finishing the work in flight, then stopping`);
      started.stop();
      return;
    }
    logger.info(`${signal} received while starting: stopping before serving anything`);
    starting.abort();
    giveUp = setTimeout(() => exit(0), STOP_WHILE_STARTING_MS).unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  let bot: RunningBot;
  try {
    bot = await startBot(config, { logger, signal: starting.signal });
  } catch (error) {
    // Stopped while starting: what was opened is closed, and that is all that was asked.
    if (signalled) exit(0);
    throw error;
  }
  // Started after all (the signal came as the last step finished): it stops gracefully instead, in its own time.
  clearTimeout(giveUp);
  started.stop = () =>
    bot.stop().then(
      () => exit(0),
      (error: unknown) => {
        logger.error(`Shutdown did not complete cleanly: ${(error as Error).message}`);
        exit(1);
      },
    );
  if (signalled) started.stop();
}

main().catch((error: unknown) => {
  const explained = explainStartupFailure(error);
  logger.error(explained ?? `wfi-rotate could not start: ${(error as Error)?.message ?? String(error)}`);
  exit(1);
});
