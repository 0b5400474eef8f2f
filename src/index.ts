#!/usr/bin/env node
import { loadConfig } from './config';
import { isCodedError } from './domain/errors';
import { slackErrorCode } from './slack/notifier';
import { configSecrets, startBot } from './bot';
import { redactLine } from './logging';

/** Known once the configuration is read: what a start-up error message must not print. */
let secrets: string[] = [];

/** Start-up failures a person can fix, as one readable message: never a stack trace. */
function explainStartupFailure(error: unknown): string | undefined {
  if (isCodedError(error)) {
    switch (error.code) {
      case 'CONFIG_INVALID':
        return error.message;
      case 'STORE_URL_UNSUPPORTED':
      case 'STORE_UNAVAILABLE':
        return `wfi-rotate cannot start: ${error.message}`;
      default:
        return undefined;
    }
  }
  const slackError = slackErrorCode(error);
  if (slackError === 'invalid_auth' || slackError === 'not_authed' || slackError === 'account_inactive') {
    return `wfi-rotate cannot start: Slack refused SLACK_BOT_TOKEN (${slackError}). Copy the Bot User OAuth Token again from OAuth & Permissions.`;
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'slack_webapi_request_error') {
    return `wfi-rotate cannot start: Slack could not be reached at SLACK_API_URL (${(error as Error).message}).`;
  }
  if (code === 'EADDRINUSE') return 'wfi-rotate cannot start: PORT is already in use by another program. Set PORT to a free port.';
  if (code === 'EACCES') return 'wfi-rotate cannot start: permission denied (PORT below 1024, or the STORE_URL path is not writable).';
  return undefined;
}

async function main(): Promise<void> {
  const config = loadConfig();
  secrets = configSecrets(config);
  // Listening before the bot starts: a SIGTERM that arrives while it is still
  // starting (a fast rolling deploy) stops it cleanly once it has started.
  let signalled: NodeJS.Signals | undefined;
  const started: { stop?: () => void } = {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    console.log(`${signal} received: finishing the work in flight, then stopping`);
    started.stop?.();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const bot = await startBot(config);
  started.stop = () =>
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(redactLine(`Shutdown did not complete cleanly: ${(error as Error).message}`, secrets));
        process.exit(1);
      },
    );
  if (signalled) started.stop();
}

main().catch((error: unknown) => {
  const explained = explainStartupFailure(error);
  console.error(redactLine(explained ?? `wfi-rotate could not start: ${(error as Error)?.message ?? String(error)}`, secrets));
  process.exitCode = 1;
});
