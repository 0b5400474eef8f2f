import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { looksLikeSecret } from '../../domain/secret-detector';
import type { ListenerDeps } from '../deps';
import { parseThreadMessage } from '../parse/thread-message';
import { explainSecretInThread } from '../views/refusals';

export type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/**
 * The leak guard on the threads of rotation messages: a reply that looks like
 * the secret is recorded in the rotation's audit trail, and the poster is
 * asked in a direct message (which stays, unlike an ephemeral one) to delete
 * it. The text itself is neither stored nor echoed nor logged. The detector
 * runs first, so ordinary chatter costs no store read. Every report is
 * recorded; the direct message and the notice in the thread go out at most
 * once a minute per person and rotation, so a burst (or a flood) of such
 * replies costs one of each, not one per message.
 */
export async function threadMessage(deps: ListenerDeps, { event, client, logger }: MessageArgs): Promise<void> {
  const message = parseThreadMessage(event);
  if (!message || !looksLikeSecret(message.text)) return;
  const recorded = await deps.useCases.reportExposure({
    thread: { channelId: message.channelId, ts: message.threadTs },
    messageTs: message.messageTs,
    posterId: message.userId,
  });
  if (!recorded) return;
  const { rotation } = recorded;
  logger.warn(`${rotation.id}: a message in its thread looked like a secret (message ts ${message.messageTs}); recorded as secret_exposed`);
  if (!deps.limits.exposureNotices.take(`${rotation.id}:${message.userId}`).ok) return;
  await client.chat.postMessage({ channel: message.userId, text: explainSecretInThread(rotation.id, message.channelId) });
  await deps.useCases.announceExposure(recorded);
}

