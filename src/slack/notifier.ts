import type { webApi } from '@slack/bolt';
import type { Notifier } from '../domain/ports';
import type { MessageRef, Rotation } from '../domain/rotation';
import { buildRotationMessage, type RotationMessageContext } from './views/rotation-message';
import { buildUndeliverableNotice } from './views/command-replies';

type WebClient = webApi.WebClient;

/** The Slack error code of a failed Web API call, if it was one. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } };
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: WebClient,
    private readonly context: Omit<RotationMessageContext, 'now'>,
    private readonly logger: { warn(...msg: unknown[]): void },
  ) {}

  async postRotation(rotation: Rotation, now: Date): Promise<MessageRef> {
    const message = buildRotationMessage(rotation, { ...this.context, now });
    try {
      return await this.postInChannel(rotation.channelId, message);
    } catch (error) {
      const reason = slackErrorCode(error);
      if (!reason) throw error;
      // The channel refused the bot (archived, private without the bot, gone):
      // the requester still gets the request, with the reason, in a direct message.
      this.logger.warn(`Could not post ${rotation.id} in ${rotation.channelId} (${reason}); sending it to the requester`);
      const notice = buildUndeliverableNotice(rotation.channelId, reason);
      const posted = await this.client.chat.postMessage({
        channel: rotation.requesterId,
        text: `${notice.text}\n${message.text}`,
        blocks: [...notice.blocks, ...message.blocks],
        unfurl_links: false,
      });
      return { channelId: posted.channel as string, ts: posted.ts as string };
    }
  }

  private async postInChannel(channel: string, message: { text: string; blocks: unknown[] }): Promise<MessageRef> {
    const post = async () => {
      const posted = await this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
      });
      return { channelId: posted.channel as string, ts: posted.ts as string };
    };
    try {
      return await post();
    } catch (error) {
      if (slackErrorCode(error) !== 'not_in_channel') throw error;
      // A public channel the bot has not joined yet: join it and try once more.
      await this.client.conversations.join({ channel });
      return post();
    }
  }
}
