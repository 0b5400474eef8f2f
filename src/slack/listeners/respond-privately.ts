import type { webApi } from '@slack/bolt';

/**
 * A private (ephemeral) message to the person who clicked, in the channel of
 * the click; without a channel (App Home), a direct message from the app.
 */
export async function tellPrivately(
  client: webApi.WebClient,
  where: { userId: string; channelId?: string },
  text: string,
): Promise<void> {
  if (where.channelId) {
    await client.chat.postEphemeral({ channel: where.channelId, user: where.userId, text });
  } else {
    await client.chat.postMessage({ channel: where.userId, text });
  }
}
