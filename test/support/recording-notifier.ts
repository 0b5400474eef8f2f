import type { Notifier, ReminderDisplay, ScheduledReminder } from '../../src/domain/ports';
import { CodedError } from '../../src/domain/errors';
import { reminderKey, type ReminderOccurrence } from '../../src/domain/reminder-kinds';
import type { AuditEntry, MessageRef, Rotation } from '../../src/domain/rotation';

export interface SentReminder {
  kind: string;
  rotationId: string;
  /** The occurrence's due time. */
  dueAt: string;
  /** When it was sent (the virtual clock). */
  sentAt: string;
  /** The schedule entry's key it was posted with (none for the digest). */
  deliveryKey?: string;
}

/**
 * A Notifier that records what would reach Slack, for simulations that run
 * thousands of scheduler ticks without HTTP. `failNext` makes deliveries fail.
 */
export class RecordingNotifier implements Notifier {
  readonly sent: SentReminder[] = [];
  refusal?: string;

  constructor(private readonly clock: { now(): Date }) {}

  async postRotation(rotation: Rotation): Promise<MessageRef> {
    return { channelId: rotation.channelId, ts: `${rotation.id}.ts` };
  }
  async announceChange(_rotation: Rotation, _entry: AuditEntry, _now: Date, _reminders?: ReminderDisplay): Promise<void> {}
  async refreshMessage(): Promise<void> {}
  homeHash(_viewerId: string): string | undefined {
    return undefined;
  }
  async publishHome(_viewerId: string, _view: { scope: 'all' | 'yours'; rotations: Rotation[]; reminderFailures: ScheduledReminder[] }, _now: Date, _hash?: string): Promise<void> {}
  async sendMeetingDetails(): Promise<void> {}
  async sendMeetingCancellation(): Promise<void> {}
  async sendExport(): Promise<void> {}

  async sendReminder(rotation: Rotation, occurrence: ReminderOccurrence, _now: Date, deliveryKey: string): Promise<void> {
    if (this.refusal) throw new CodedError('REMINDER_UNDELIVERABLE', this.refusal);
    this.sent.push({ kind: occurrence.kind, rotationId: rotation.id, dueAt: occurrence.dueAt, sentAt: this.clock.now().toISOString(), deliveryKey });
  }

  async reminderPosted(_rotation: Rotation, occurrenceKey: string): Promise<boolean> {
    return this.sent.some((s) => reminderKey(s.rotationId, s.kind, s.dueAt) === occurrenceKey);
  }

  async sendDigest(channelId: string, _rotations: Rotation[], now: Date, deliveryKey: string): Promise<void> {
    if (this.refusal) throw new CodedError('REMINDER_UNDELIVERABLE', this.refusal);
    this.sent.push({ kind: 'weekly_digest', rotationId: '*', dueAt: '', sentAt: now.toISOString(), deliveryKey: `${deliveryKey} ${channelId}` });
  }

  async digestPosted(channelId: string, deliveryKey: string): Promise<boolean> {
    return this.sent.some((s) => s.deliveryKey === `${deliveryKey} ${channelId}`);
  }
}
