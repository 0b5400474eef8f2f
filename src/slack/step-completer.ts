import { webApi, type Logger } from '@slack/bolt';
import type { StepCompleter, WaitingStep } from '../domain/ports';

/**
 * Completes a custom step after the event that started it is long answered:
 * `functions.completeSuccess` / `completeError` with the execution's own
 * `bot_access_token` (Slack ties the call to it), one Web client per call.
 */
export class SlackStepCompleter implements StepCompleter {
  constructor(private readonly options: { apiUrl: string; logger: Logger; retryConfig?: webApi.RetryOptions; fetch?: webApi.FetchFunction }) {}

  private client(step: WaitingStep): webApi.WebClient {
    return new webApi.WebClient(step.token, {
      slackApiUrl: this.options.apiUrl,
      logger: this.options.logger,
      retryConfig: this.options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
  }

  async complete(step: WaitingStep, outputs: Record<string, unknown>): Promise<void> {
    const client = this.client(step);
    await client.functions.completeSuccess({ function_execution_id: step.executionId, outputs });
  }

  async fail(step: WaitingStep, error: string): Promise<void> {
    const client = this.client(step);
    await client.functions.completeError({ function_execution_id: step.executionId, error });
  }
}
