import { SIGNING_SECRET } from './slack-request';

/** The bot token of every bot the tests and the bench start; the log scan fails the run if a bot logs it. */
export const BOT_TOKEN = 'xoxb-test-bot-token-0001';

/**
 * A bot in HTTP mode pointed at a fake Slack: the environment the tests'
 * in-process bots and the bench's spawned ones both start from.
 */
export function botEnv(options: { apiUrl: string; port: number; storeUrl: string }): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: options.apiUrl,
    WFI_APPROVERS: 'U0APPROVE1,S0GROUP001',
    PORT: String(options.port),
    STORE_URL: options.storeUrl,
  };
}
