import { webApi, type Logger } from '@slack/bolt';
import type { Clock, StepCompleter, WaitingStep } from '../domain/ports';
import { usesExecutionToken } from '../domain/workflow-steps';
import { slackErrorCode } from './notifier';

/**
 * What Slack answers when a token is no longer good: an execution's
 * `bot_access_token` expires 15 minutes after it was issued or once its step
 * completed, and a workspace can revoke it. The app's bot token may still
 * complete the step.
 */
const REFUSED_TOKEN_ERRORS = new Set(['token_expired', 'token_revoked', 'invalid_auth', 'not_authed', 'account_inactive']);

type Ending = (client: webApi.WebClient) => Promise<unknown>;

/**
 * Completes a custom step after the event that started it is long answered,
 * with `functions.completeSuccess` / `completeError`: with the execution's own
 * token while the wait is fresh (EXECUTION_TOKEN_FRESH_MS), else with the
 * app's bot token, which Slack's method reference lets call both ("Bot tokens:
 * no scope required"); an execution token Slack refuses is tried once more as
 * the bot. One Web client per execution token (each is unique); the bot's is Bolt's.
 */
export class SlackStepCompleter implements StepCompleter {
  constructor(
    private readonly options: {
      apiUrl: string;
      /** The app's own Web client (SLACK_BOT_TOKEN): Bolt's, shared with the rest of the bot. */
      botClient: webApi.WebClient;
      clock: Clock;
      logger: Logger;
      retryConfig?: webApi.RetryOptions;
      fetch?: webApi.FetchFunction;
    },
  ) {}

  private client(token: string): webApi.WebClient {
    return new webApi.WebClient(token, {
      slackApiUrl: this.options.apiUrl,
      logger: this.options.logger,
      retryConfig: this.options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
  }

  complete(step: WaitingStep, outputs: Record<string, unknown>): Promise<void> {
    return this.end(step, (client) => client.functions.completeSuccess({ function_execution_id: step.executionId, outputs }));
  }

  fail(step: WaitingStep, error: string): Promise<void> {
    return this.end(step, (client) => client.functions.completeError({ function_execution_id: step.executionId, error }));
  }

  private async end(step: WaitingStep, ending: Ending): Promise<void> {
    if (usesExecutionToken(step, this.options.clock.now())) {
      try {
        await ending(this.client(step.token));
        return;
      } catch (error) {
        const refused = slackErrorCode(error);
        if (refused === undefined || !REFUSED_TOKEN_ERRORS.has(refused)) throw error;
        this.options.logger.info(`Workflow step ${step.executionId}: Slack refused its execution's token (${refused}); completing it with the app's bot token`);
      }
    }
    await ending(this.options.botClient);
  }
}
