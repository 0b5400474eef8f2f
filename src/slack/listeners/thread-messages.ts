import type { App } from '@slack/bolt';
import { looksLikeSecret } from '../../domain/secret-detector';
import { reportSecretExposure } from '../../services/report-secret-exposure';
import type { ListenerDeps } from '../deps';
import { parseThreadMessage } from '../parse/thread-message';
import { explainSecretInThread } from '../views/refusals';

/**
 * The leak guard on the threads of rotation messages: a reply that looks like
 * the secret gets a private request to delete it, and the rotation's audit
 * trail records the exposure. The text itself is neither stored nor echoed
 * nor logged. The detector runs first, so ordinary chatter costs no store read.
 */
export function register(app: App, deps: ListenerDeps): void {
  app.event('message', async ({ event, client, logger }) => {
    const message = parseThreadMessage(event);
    if (!message || !looksLikeSecret(message.text)) return;
    const rotation = await reportSecretExposure(deps.services, {
      thread: { channelId: message.channelId, ts: message.threadTs },
      messageTs: message.messageTs,
      posterId: message.userId,
    });
    if (!rotation) return;
    logger.warn(`${rotation.id}: a message in its thread looked like a secret (message ts ${message.messageTs}); recorded as secret_exposed`);
    await client.chat.postEphemeral({
      channel: message.channelId,
      user: message.userId,
      thread_ts: message.threadTs,
      text: explainSecretInThread(rotation.id),
    });
  });
}
