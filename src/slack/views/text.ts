import { awaitsSubmission, type Rotation } from '../../domain/rotation';
import { businessDaysToDeadline, submitByStanding, type StandingContext } from '../../domain/standing';
import { calendarDate, escapeMrkdwn, httpsLink, inlineCode, mention, plural, slackDateTime, truncate, wallClockTime } from './mrkdwn';

/**
 * A rotation's values as every surface shows them: escaped, cut to a length
 * that keeps a damaged or hostile record from breaking the layout, and the
 * time left in the terms of the rotation's state.
 */

/** A reason is at most 500 characters when entered; a stored one is shown no longer than this. */
const REASON_MAX = 500;
/** Case numbers are at most 40 characters when entered. */
const CASE_NUMBER_MAX = 60;
/** Instance URLs are normalised host names; this only guards the layout against a damaged record. */
const INSTANCE_MAX = 200;
/** Attendees are at most 20 when entered. */
const ATTENDEES_MAX = 25;

export function reasonText(reason: string): string {
  return escapeMrkdwn(truncate(reason, REASON_MAX));
}

export function caseNumberText(caseNumber: string): string {
  return inlineCode(truncate(caseNumber, CASE_NUMBER_MAX));
}

export function instanceText(instanceUrl: string): string {
  return escapeMrkdwn(truncate(instanceUrl, INSTANCE_MAX));
}

export function mentions(userIds: readonly string[]): string {
  const shown = userIds.slice(0, ATTENDEES_MAX).map(mention).join(', ');
  return userIds.length > ATTENDEES_MAX ? `${shown} and ${userIds.length - ATTENDEES_MAX} more` : shown;
}

/**
 * A meeting's start: a date token each reader sees in their own zone, with
 * the wall-clock time in the zone it was entered in as the fallback, and
 * that time again in words so everyone can check it against the invitation.
 */
export function meetingTimeText(startsAt: string, timeZone: string): string {
  const wallClock = wallClockTime(startsAt, truncate(timeZone, 60));
  return `${slackDateTime(startsAt, wallClock)} (${escapeMrkdwn(wallClock)})`;
}

/** "<https://…|Join the meeting>", only for an https link: for direct messages and those who may see it, never the channel. */
export function joinLink(joinUrl: string | undefined): string | undefined {
  return joinUrl ? httpsLink(joinUrl, 'Join the meeting') : undefined;
}

/**
 * What the channel is told instead of the join link: the link often carries
 * the passcode of the meeting in which the vendor reads the secret out, so it
 * goes to the people in the handoff and the approvers only.
 */
export function joinLinkNotice(hasLink: boolean): string {
  return hasLink
    ? ':lock: The join link went to the attendees, the requester and the approvers in a direct message.'
    : 'The meeting details went to the attendees, the requester and the approvers in a direct message.';
}

/**
 * How much time is left, in the terms that matter in the rotation's state:
 * until submit-by while the portal request is still to be made, until the
 * policy deadline after it.
 */
export function timeLeftText(rotation: Rotation, context: StandingContext): string {
  if (awaitsSubmission(rotation)) {
    const { businessDaysLeft } = submitByStanding(rotation, context);
    if (businessDaysLeft > 0) return `${plural(businessDaysLeft, 'business day')} left`;
    if (businessDaysLeft === 0) return '*due today*';
    return `:warning: *late by ${plural(-businessDaysLeft, 'business day')}*`;
  }
  const toDeadline = businessDaysToDeadline(rotation, context);
  if (toDeadline > 0) return `portal request made; ${plural(toDeadline, 'business day')} to the deadline`;
  if (toDeadline === 0) return 'portal request made; *deadline today*';
  return `portal request made; :warning: *deadline passed ${plural(-toDeadline, 'business day')} ago*`;
}

/** Workspace ids are about 11 characters; this only guards the layout against a damaged record. */
const WORKSPACE_MAX = 24;

/**
 * ` · workspace `T…`` on an org-wide install, where the rotations of every
 * workspace are listed together; nothing on a workspace install, or for a
 * rotation that does not know its workspace (made before it was recorded).
 */
export function workspaceSuffix(rotation: Rotation, context: { orgWide?: boolean }): string {
  const teamId = rotation.workspace?.teamId;
  return context.orgWide && teamId ? ` · workspace ${inlineCode(truncate(teamId, WORKSPACE_MAX))}` : '';
}

/** Deadline and submit-by as plain dates (the same day for every reader), and the time left: the line every overview shows under a rotation. */
export function datesLine(rotation: Rotation, context: StandingContext): string {
  return `Deadline ${calendarDate(rotation.deadline)} · submit by ${calendarDate(rotation.submitBy)} · ${timeLeftText(rotation, context)}`;
}
