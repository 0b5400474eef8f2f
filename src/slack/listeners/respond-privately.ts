import type { webApi } from '@slack/bolt';
import type { Rotation } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { FORM_READ_FAILURE } from '../views/refusals';

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

/**
 * The rotation a clicked button names, to draw its form; when the store does
 * not answer, the person is told so privately (the click was acknowledged
 * already, so nothing else would tell them) and undefined is returned.
 */
export async function rotationForForm(
  deps: Pick<ListenerDeps, 'useCases'>,
  client: webApi.WebClient,
  where: { userId: string; channelId?: string },
  id: string,
  logger: { error(...msg: unknown[]): void },
): Promise<{ found: true; rotation: Rotation | undefined } | { found: false }> {
  try {
    return { found: true, rotation: await deps.useCases.findRotation(id) };
  } catch (error) {
    logger.error(`Could not read ${id} to open its form: ${(error as Error).message}`);
    await tellPrivately(client, where, FORM_READ_FAILURE);
    return { found: false };
  }
}
