import type { CalendarDate } from '../domain/calendar';
import type { UseCases } from '../services/use-cases';
import type { RateLimiters } from './rate-limits';
import type { RotationMessageContext } from './views/types';

/** What the forms show and check besides the use cases: the parts of the configuration people see. */
export interface FormSettings {
  instanceDomain: string;
  /** WFI_REMINDER_CHANNEL, preselected in the request form. */
  reminderChannelId?: string;
  /** WFI_ROTATION_INTERVAL_DAYS, preselected as "rotate again every". */
  rotationIntervalDays?: number;
  leadBusinessDays: number;
  /** WFI_MEETING_HOSTS: where a join link may point besides the known meeting services. */
  meetingHosts: string[];
  /** WFI_TIMEZONE: offered in the meeting form. */
  policyTimeZone: string;
}

/**
 * What the listeners are given: the use cases they call and what they need to
 * translate between Slack and them. Never the store, the tokens or the whole
 * configuration; concrete implementations are wired in `bot.ts` only.
 */
export interface ListenerDeps {
  useCases: UseCases;
  settings: FormSettings;
  now(): Date;
  /** Today in WFI_TIMEZONE. */
  today(): CalendarDate;
  messageContext(): RotationMessageContext;
  limits: RateLimiters;
  /**
   * A person's time zone from their Slack profile, or undefined when Slack
   * does not answer within a couple of seconds (no retries): asked only after
   * a form is open, never while Slack waits for an answer.
   */
  userTimeZone(userId: string): Promise<string | undefined>;
}
