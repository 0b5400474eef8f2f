/**
 * The baseline of the ack benchmark: the least a Bolt 5 app can do for
 * `/wfi-rotate`. Bolt's own HTTPReceiver, no middleware, no store, no
 * configuration checks; it acknowledges and opens a static modal, the JSON
 * the bot's builder produces (read from BARE_VIEW_FILE), so both apps send
 * views.open bodies of the same size. Spawned by bench/sections/ack.ts as its
 * own process, like the bot, so the two are measured under the same conditions.
 */
import { readFileSync } from 'node:fs';
import { App, LogLevel } from '@slack/bolt';

async function main(): Promise<void> {
  const env = process.env;
  const view = JSON.parse(readFileSync(env.BARE_VIEW_FILE as string, 'utf8')) as Record<string, unknown>;
  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET as string,
    clientOptions: { slackApiUrl: env.SLACK_API_URL },
    // The bot passes the ids it got from auth.test at start; so does the baseline, so neither calls it per request.
    botId: 'BBOT0001',
    botUserId: 'UBOT0001',
    logLevel: LogLevel.WARN,
  });
  app.command('/wfi-rotate', async ({ ack, client, command }) => {
    await ack();
    await client.views.open({ trigger_id: command.trigger_id, view: view as never });
  });
  await app.start(Number(env.PORT));
  console.log('bare-app listening');
  const stop = () => void app.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`bare-app failed: ${(error as Error).message}`);
  process.exit(1);
});
