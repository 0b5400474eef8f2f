import type { webApi } from '@slack/bolt';
import { CodedError, isCodedError } from '../domain/errors';
import type { ExportFile, Notifier, ReminderDisplay, ScheduledReminder } from '../domain/ports';
import { DIRECT_REMINDERS, ESCALATIONS, type ReminderOccurrence } from '../domain/reminder-kinds';
import { handoffPeople, isUserId, type AuditEntry, type MessageRef, type Rotation, type RotationIn } from '../domain/rotation';
import { buildAppHome } from './views/app-home';
import { buildDigest } from './views/digest';
import { buildExportMessage } from './views/export-message';
import { buildHandoffCancellation, buildHandoffInvitation, type CalendarFile, type CancellationReason, type CancelledMeeting } from './views/handoff-invitation';
import { buildMeetingCancelled, buildMeetingDetails } from './views/meeting-details';
import { escapeMrkdwn } from './views/mrkdwn';
import { buildReminderMessage } from './views/reminder-message';
import { toScheduleView } from './views/reminder-schedule';
import { buildRotationMessage, buildUndeliverableNotice } from './views/rotation-message';
import { buildChangeReply } from './views/thread-reply';
import type { RotationMessageContext, SlackMessage } from './views/types';

type WebClient = webApi.WebClient;

/** Below this a CSV is shown in the message itself (a section holds 3000 characters, escaping included). */
const INLINE_CSV_LIMIT = 2500;

/** Slack's answers that mean "this channel will not take the bot's message": the requester is told directly instead. */
const CHANNEL_REFUSALS = new Set([
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'method_not_supported_for_channel_type',
  'restricted_action',
]);

/** A meeting reminder goes to each person invited to the meeting (the request's attendees before one is set). */
function reminderRecipients(rotation: Rotation): string[] {
  return 'meeting' in rotation && rotation.meeting ? rotation.meeting.attendeeIds : rotation.attendeeIds;
}

/**
 * The event type of the metadata every reminder post carries, with its
 * schedule entry's key: how a process that takes over an entry whose claim ran
 * out finds whether the one before it got the post to Slack before dying.
 * Message metadata is visible to anyone who can read the message; the key is
 * the rotation id, the kind and the due time, nothing more.
 */
export const REMINDER_EVENT = 'wfi_rotate_reminder';

/** Slack's answers that mean "not now" rather than "never": the reminder is tried again on a later tick. */
const TRANSIENT_ERRORS = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** A rate limit, a 5xx, no answer at all, or one of Slack's "try again" errors. */
function isTransient(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number };
  if (e?.code === 'slack_webapi_rate_limited_error' || e?.code === 'slack_webapi_request_error') return true;
  if (e?.code === 'slack_webapi_http_error') return (e.statusCode ?? 0) >= 500;
  const reason = slackErrorCode(error);
  return reason !== undefined && TRANSIENT_ERRORS.has(reason);
}

/** A reminder Slack would not take anywhere: recorded as failed, with Slack's reason as the message and its error code as `reason`. */
function undeliverable(message: string, code: string): CodedError {
  return new CodedError('REMINDER_UNDELIVERABLE', message, { reason: code });
}

/** The Slack error code of a failed Web API call, if it was one. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } };
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

function describeFailure(error: unknown): string {
  return slackErrorCode(error) ?? (error as Error)?.message ?? String(error);
}

/**
 * A failure as a short code, for the metrics: Slack's error, the code an
 * undeliverable reminder already carries, or what kind of failure it was.
 */
function failureCode(error: unknown): string {
  const e = error as { code?: string; statusCode?: number };
  if (isCodedError(error)) return error.reason ?? error.code.toLowerCase();
  if (e?.code === 'slack_webapi_http_error') return `http_${e.statusCode ?? 'error'}`;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (e?.code === 'slack_webapi_request_error') return 'request_error';
  return slackErrorCode(error) ?? 'unknown';
}

export interface NotifierContext extends Omit<RotationMessageContext, 'now'> {
  leadBusinessDays: number;
  /** WFI_APPROVERS as mentions: `<@U…>` for users, `<!subteam^S…>` for user groups. */
  approverMentions: string[];
}

interface Post extends SlackMessage {
  threadTs?: string;
  broadcast?: boolean;
  metadata?: { event_type: string; event_payload: Record<string, string> };
}

/**
 * How many people's Home hashes a process keeps (a few dozen bytes each): far
 * more than open the Home tab of one workspace's bot. Past that, the one
 * published longest ago is forgotten, and its next publish goes without a hash.
 */
const HOME_HASHES_KEPT = 10_000;

export class SlackNotifier implements Notifier {
  /** Per person, Slack's `view.hash` of the App Home this process last published to them; insertion order is publish order. */
  private readonly homeHashes = new Map<string, string>();

  constructor(
    private readonly client: WebClient,
    private readonly context: NotifierContext,
    private readonly logger: { warn(...msg: unknown[]): void },
  ) {}

  private messageContext(now: Date, reminders?: ReminderDisplay): RotationMessageContext {
    return { ...this.context, now, ...toScheduleView(reminders) };
  }

  async postRotation(rotation: Rotation, now: Date, reminders?: ReminderDisplay): Promise<MessageRef> {
    const message = buildRotationMessage(rotation, this.messageContext(now, reminders));
    return this.deliver(rotation, rotation.channelId, message, (channelId, reason) => buildUndeliverableNotice(channelId, reason));
  }

  async announceChange(rotation: Rotation, entry: AuditEntry, now: Date, reminders?: ReminderDisplay): Promise<void> {
    if (!rotation.message) return;
    await this.refreshMessage(rotation, now, reminders ?? { failures: [] });
    const reply = buildChangeReply(rotation, entry, this.messageContext(now, reminders));
    await this.post(rotation.message.channelId, { ...reply, threadTs: rotation.message.ts });
  }

  async refreshMessage(rotation: Rotation, now: Date, reminders: ReminderDisplay): Promise<void> {
    if (!rotation.message) return;
    const { channelId, ts } = rotation.message;
    const message = buildRotationMessage(rotation, this.messageContext(now, reminders));
    await this.client.chat.update({ channel: channelId, ts, text: message.text, blocks: message.blocks });
  }

  async sendReminder(rotation: Rotation, occurrence: ReminderOccurrence, now: Date, deliveryKey: string): Promise<void> {
    const context = { ...this.messageContext(now), approverMentions: this.context.approverMentions };
    // The entry's key, to find the post again; the occurrence's, which is later after an outage, to say which one it was.
    const metadata = { event_type: REMINDER_EVENT, event_payload: { key: deliveryKey, occurrence: occurrence.key } };
    const reminder = buildReminderMessage(rotation, occurrence, context);
    // In the rotation's thread, where its history is; escalations are also broadcast to the channel.
    const where = rotation.message ?? { channelId: rotation.channelId, ts: undefined };
    const post: Post = {
      ...reminder,
      metadata,
      ...(where.ts ? { threadTs: where.ts, broadcast: ESCALATIONS.has(occurrence.kind) } : {}),
    };
    const direct = DIRECT_REMINDERS.has(occurrence.kind)
      ? this.sendDirectly(rotation, reminderRecipients(rotation), { ...buildReminderMessage(rotation, occurrence, context, 'direct'), metadata })
      : Promise.resolve({ sent: 0, failed: [], codes: [], transient: false });
    const fallback = (channelId: string, reason: string): SlackMessage => ({
      text: `I could not post this reminder in <#${channelId}> (${reason}).`,
      blocks: [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `:warning: I could not post this reminder in <#${channelId}> (Slack said \`${escapeMrkdwn(reason)}\`), so it comes to you.` }],
        },
      ],
    });
    // A meeting reminder's thread note has no fallback: the invitees (the requester among them, most
    // often) have the reminder directly, and a second direct message would say it twice (found by the soak).
    const inThread = (
      DIRECT_REMINDERS.has(occurrence.kind) ? this.postJoiningIfNeeded(where.channelId, post) : this.deliver(rotation, where.channelId, post, fallback)
    ).then(
      () => undefined,
      (error: unknown) => ({ error, reason: isCodedError(error) ? error.message : describeFailure(error), code: failureCode(error) }),
    );
    const [directly, threadError] = await Promise.all([direct, inThread]);
    if (directly.failed.length > 0) {
      this.logger.warn(`${occurrence.key}: the direct reminder did not reach ${directly.failed.join(', ')}`);
    }
    if (threadError && DIRECT_REMINDERS.has(occurrence.kind)) {
      this.logger.warn(`${occurrence.key}: the note in the thread could not be posted (${threadError.reason}); the invitees got the reminder directly`);
    }
    // Delivered when someone who must act got it; a meeting reminder's thread note alone is not the reminder.
    const undelivered = DIRECT_REMINDERS.has(occurrence.kind) ? directly.sent === 0 : threadError !== undefined;
    if (!undelivered) return;
    const reasons = [...(threadError ? [threadError.reason] : []), ...directly.failed].join('; ') || 'nobody to send it to';
    const code = threadError?.code ?? directly.codes[0] ?? 'no_recipients';
    const transient = DIRECT_REMINDERS.has(occurrence.kind) ? directly.transient : isTransient(threadError?.error);
    throw transient ? new CodedError('SLACK_UNAVAILABLE', reasons, { reason: code }) : undeliverable(reasons, code);
  }

  reminderPosted(rotation: Rotation, occurrenceKey: string, since: Date): Promise<boolean | undefined> {
    return this.holdsPost(rotation.message ?? { channelId: rotation.channelId }, 'occurrence', occurrenceKey, since);
  }

  digestPosted(channelId: string, deliveryKey: string, since: Date): Promise<boolean | undefined> {
    return this.holdsPost({ channelId }, 'key', deliveryKey, since);
  }

  /** Whether a thread (or a channel) has a post whose metadata has `field` = `value`, since `since`; undefined when Slack cannot say. */
  private async holdsPost(where: { channelId: string; ts?: string }, field: 'key' | 'occurrence', value: string, since: Date): Promise<boolean | undefined> {
    // Posts since the entry fell due: a handful in a thread or in a reminder channel, so one page holds them.
    const oldest = (since.getTime() / 1000).toFixed(6);
    try {
      const { messages } = where.ts
        ? await this.client.conversations.replies({ channel: where.channelId, ts: where.ts, oldest, include_all_metadata: true, limit: 200 })
        : await this.client.conversations.history({ channel: where.channelId, oldest, include_all_metadata: true, limit: 200 });
      return (messages ?? []).some(
        (m) => m.metadata?.event_type === REMINDER_EVENT && (m.metadata.event_payload as Record<string, unknown> | undefined)?.[field] === value,
      );
    } catch (error) {
      this.logger.warn(`${value}: Slack could not say whether it was already posted (${describeFailure(error)}), so it is sent`);
      return undefined;
    }
  }

  async sendMeetingDetails(rotation: RotationIn<'meeting_scheduled'>, recipientIds: string[], _now: Date): Promise<void> {
    // The people in the handoff also get the meeting's calendar file; approvers who are not in it, the message alone.
    const inHandoff = new Set(handoffPeople(rotation));
    const people = [...new Set(recipientIds)].filter(isUserId);
    const attendees = people.filter((id) => inHandoff.has(id));
    const others = people.filter((id) => !inHandoff.has(id));
    const nobody = { failed: [], delivered: [] };
    const [attending, informed] = await Promise.all([
      attendees.length > 0 || others.length === 0 ? this.sendDirectly(rotation, attendees, buildMeetingDetails(rotation, { calendarFile: true })) : nobody,
      others.length > 0 ? this.sendDirectly(rotation, others, buildMeetingDetails(rotation)) : nobody,
    ]);
    const failed = [...attending.failed, ...informed.failed];
    if (failed.length > 0) this.logger.warn(`${rotation.id}: the meeting details did not reach ${failed.join(', ')}`);
    await this.attachCalendarFile(rotation, attending.delivered, buildHandoffInvitation(rotation));
  }

  async sendMeetingCancellation(rotation: Rotation, meeting: CancelledMeeting, recipientIds: string[], change: { at: string; why: CancellationReason }): Promise<void> {
    const { delivered, failed } = await this.sendDirectly(rotation, recipientIds, buildMeetingCancelled(rotation, meeting, change.why));
    if (failed.length > 0) this.logger.warn(`${rotation.id}: the meeting's cancellation did not reach ${failed.join(', ')}`);
    await this.attachCalendarFile(rotation, delivered, buildHandoffCancellation(rotation, meeting, change));
  }

  /**
   * The calendar file, uploaded (files.uploadV2) into each direct message that
   * went out, right below it. One person's failed upload does not stop the
   * others; they have the message, and the meeting's reminders, either way.
   */
  private async attachCalendarFile(rotation: Rotation, delivered: ReadonlyArray<{ userId: string; message: MessageRef }>, file: CalendarFile): Promise<void> {
    const uploads = await Promise.allSettled(
      delivered.map(({ message }) =>
        this.client.filesUploadV2({ channel_id: message.channelId, content: file.content, filename: file.filename, title: file.title, snippet_type: 'text' }),
      ),
    );
    const failed = uploads.flatMap((upload, i) => (upload.status === 'rejected' ? [`${delivered[i]?.userId} (${describeFailure(upload.reason)})`] : []));
    if (failed.length > 0) this.logger.warn(`${rotation.id}: the calendar file ${file.filename} did not reach ${failed.join(', ')}`);
  }

  /**
   * A direct message from the app to each person (posting to a user id lands
   * in their conversation with the app); one person's failure does not stop
   * the others. Says how many got it and who did not, with Slack's reason.
   */
  private async sendDirectly(
    rotation: Rotation,
    userIds: string[],
    message: Post,
  ): Promise<{ sent: number; failed: string[]; codes: string[]; transient: boolean; delivered: Array<{ userId: string; message: MessageRef }> }> {
    const people = [...new Set(userIds)].filter(isUserId);
    if (people.length === 0) {
      this.logger.warn(`${rotation.id}: nobody to send a direct message to`);
      return { sent: 0, failed: [], codes: [], transient: false, delivered: [] };
    }
    const results = await Promise.allSettled(people.map((userId) => this.post(userId, message)));
    const failed = results.flatMap((result, i) => (result.status === 'rejected' ? [`${people[i]} (${describeFailure(result.reason)})`] : []));
    const codes = results.flatMap((result) => (result.status === 'rejected' ? [failureCode(result.reason)] : []));
    const delivered = results.flatMap((result, i) => (result.status === 'fulfilled' ? [{ userId: people[i] as string, message: result.value }] : []));
    // Worth trying again later when someone could not be reached only for now.
    const transient = results.some((result) => result.status === 'rejected' && isTransient(result.reason));
    return { sent: people.length - failed.length, failed, codes, transient, delivered };
  }

  async sendDigest(channelId: string, rotations: Rotation[], now: Date, deliveryKey: string): Promise<void> {
    const digest = buildDigest(rotations, this.messageContext(now));
    try {
      await this.postJoiningIfNeeded(channelId, { ...digest, metadata: { event_type: REMINDER_EVENT, event_payload: { key: deliveryKey } } });
    } catch (error) {
      throw undeliverable(describeFailure(error), failureCode(error));
    }
  }

  homeHash(viewerId: string): string | undefined {
    return this.homeHashes.get(viewerId);
  }

  async publishHome(
    viewerId: string,
    view: { scope: 'all' | 'yours'; rotations: Rotation[]; reminderFailures: ScheduledReminder[] },
    now: Date,
    hash?: string,
  ): Promise<void> {
    if (!isUserId(viewerId)) return;
    let published: webApi.ViewsPublishResponse;
    try {
      published = await this.client.views.publish({
        user_id: viewerId,
        view: buildAppHome(view.rotations, { ...this.context, now, viewerId, scope: view.scope, reminderFailures: view.reminderFailures }),
        ...(hash ? { hash } : {}),
      });
    } catch (error) {
      if (slackErrorCode(error) !== 'hash_conflict') throw error;
      // The hash kept here is out of date: forgotten, so the publish that follows (from a fresh read) goes without one.
      if (this.homeHashes.get(viewerId) === hash) this.homeHashes.delete(viewerId);
      throw new CodedError('HOME_VIEW_CHANGED', `The App Home of ${viewerId} changed since it was read`, { cause: error });
    }
    this.rememberHomeHash(viewerId, published.view?.hash);
  }

  /** Keeps the hash of the Home this publish left, as the newest of at most HOME_HASHES_KEPT (none when Slack gave none). */
  private rememberHomeHash(viewerId: string, hash: string | undefined): void {
    this.homeHashes.delete(viewerId);
    if (!hash) return;
    this.homeHashes.set(viewerId, hash);
    if (this.homeHashes.size > HOME_HASHES_KEPT) {
      const oldest = this.homeHashes.keys().next().value;
      if (oldest !== undefined) this.homeHashes.delete(oldest);
    }
  }

  async sendExport(userId: string, file: ExportFile, now: Date): Promise<void> {
    // A small CSV fits in a code block; a larger one, and JSON Lines (which a SIEM takes as a file), go as a file in the same direct message.
    const inline = file.format === 'csv' && file.content.length <= INLINE_CSV_LIMIT;
    const intro = buildExportMessage({
      format: file.format,
      rotations: file.rotations,
      audit: file.audit,
      ...(inline ? { escapedInline: escapeMrkdwn(file.content) } : {}),
    });
    const posted = await this.client.chat.postMessage({ channel: userId, text: intro.text, blocks: intro.blocks });
    if (inline) return;
    await this.client.filesUploadV2({
      channel_id: posted.channel as string,
      thread_ts: posted.ts as string,
      content: file.content,
      filename: `wfi-rotations-${now.toISOString().slice(0, 10)}.${file.format}`,
      title: `WFI secret rotations and their history (${file.format === 'csv' ? 'CSV' : 'JSON Lines'})`,
    });
  }

  /**
   * Posts to a channel; when the channel refuses the bot (archived, private
   * without the bot, gone), the requester gets the message directly with the
   * reason on top. Anything else (rate limits and 5xx are already retried by
   * the Web client) is passed on.
   */
  private async deliver(
    rotation: Rotation,
    channelId: string,
    post: Post,
    notice: (channelId: string, reason: string) => SlackMessage,
  ): Promise<MessageRef> {
    try {
      return await this.postJoiningIfNeeded(channelId, post);
    } catch (error) {
      const reason = slackErrorCode(error);
      if (!reason || !CHANNEL_REFUSALS.has(reason)) throw error;
      this.logger.warn(`Could not post for ${rotation.id} in ${channelId} (${reason}); sending it to the requester`);
      const top = notice(channelId, reason);
      try {
        return await this.post(rotation.requesterId, {
          text: `${top.text}\n${post.text}`,
          blocks: [...top.blocks, ...post.blocks],
          ...(post.metadata ? { metadata: post.metadata } : {}),
        });
      } catch (dmError) {
        throw undeliverable(`${reason}; the direct message to the requester failed too (${describeFailure(dmError)})`, reason);
      }
    }
  }

  private async postJoiningIfNeeded(channelId: string, post: Post): Promise<MessageRef> {
    try {
      return await this.post(channelId, post);
    } catch (error) {
      if (slackErrorCode(error) !== 'not_in_channel') throw error;
      // A public channel the bot has not joined yet: join it and try once more
      // (a private channel refuses the join, and the caller falls back).
      await this.client.conversations.join({ channel: channelId }).catch(() => {
        throw error;
      });
      return this.post(channelId, post);
    }
  }

  private async post(channel: string, post: Post): Promise<MessageRef> {
    const base = { channel, text: post.text, blocks: post.blocks, unfurl_links: false, ...(post.metadata ? { metadata: post.metadata } : {}) };
    const inThread = post.threadTs ? { ...base, thread_ts: post.threadTs } : undefined;
    const posted = await this.client.chat.postMessage(
      inThread && post.broadcast ? { ...inThread, reply_broadcast: true } : (inThread ?? base),
    );
    return { channelId: posted.channel as string, ts: posted.ts as string };
  }
}
