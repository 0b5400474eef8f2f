import type { webApi } from '@slack/bolt';
import type { Notifier } from '../domain/ports';
import type { AuditEntry, MessageRef, Rotation } from '../domain/rotation';
import { buildAppHome } from './views/app-home';
import { buildUndeliverableNotice } from './views/command-replies';
import { buildExportMessage } from './views/export-message';
import { escapeMrkdwn } from './views/mrkdwn';
import { buildRotationMessage, type RotationMessageContext } from './views/rotation-message';
import { buildChangeReply } from './views/thread-reply';

type WebClient = webApi.WebClient;

/** Below this a CSV is shown in the message itself (a section holds 3000 characters, escaping included). */
const INLINE_CSV_LIMIT = 2500;

/** The Slack error code of a failed Web API call, if it was one. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } };
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: WebClient,
    private readonly context: Omit<RotationMessageContext, 'now'> & { leadBusinessDays: number },
    private readonly logger: { warn(...msg: unknown[]): void },
  ) {}

  async announceChange(rotation: Rotation, entry: AuditEntry, now: Date): Promise<void> {
    if (!rotation.message) return;
    const { channelId, ts } = rotation.message;
    const message = buildRotationMessage(rotation, { ...this.context, now });
    await this.client.chat.update({ channel: channelId, ts, text: message.text, blocks: message.blocks });
    const reply = buildChangeReply(rotation, entry, { ...this.context, now });
    await this.client.chat.postMessage({
      channel: channelId,
      thread_ts: ts,
      text: reply.text,
      blocks: reply.blocks,
      unfurl_links: false,
    });
  }

  async publishHomes(userIds: string[], rotations: Rotation[], now: Date): Promise<void> {
    const people = [...new Set(userIds)].filter((id) => /^[UW][A-Z0-9]{2,}$/.test(id));
    const results = await Promise.allSettled(
      people.map((viewerId) =>
        this.client.views.publish({ user_id: viewerId, view: buildAppHome(rotations, { ...this.context, now, viewerId }) }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) this.logger.warn(`App Home not refreshed for ${failed} of ${people.length} people`);
  }

  async sendExport(userId: string, csv: string, rotationCount: number): Promise<void> {
    // Small exports fit in a code block; larger ones go as a file in the same direct message.
    const inline = csv.length <= INLINE_CSV_LIMIT;
    const intro = buildExportMessage(rotationCount, inline ? escapeMrkdwn(csv) : undefined);
    const posted = await this.client.chat.postMessage({ channel: userId, text: intro.text, blocks: intro.blocks });
    if (inline) return;
    await this.client.filesUploadV2({
      channel_id: posted.channel as string,
      thread_ts: posted.ts as string,
      content: csv,
      filename: `wfi-rotations-${new Date().toISOString().slice(0, 10)}.csv`,
      title: 'WFI secret rotations and their history',
    });
  }

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
