import type { types } from '@slack/bolt';
import type { LeadTimePolicy } from '../../domain/rotation';
import type { ReminderScheduleView } from './reminder-schedule';

/** What a message builder returns: the notification text and the blocks. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/** What every rotation surface is rendered with: today, the lead-time policy, the portal and the rotation's reminders. */
export interface RotationMessageContext extends ReminderScheduleView {
  now: Date;
  policy: LeadTimePolicy;
  portalUrl?: string;
  /**
   * The app is installed org-wide on an Enterprise Grid org: the lists show
   * each rotation's workspace, to tell apart rotations of several workspaces.
   */
  orgWide?: boolean;
}
