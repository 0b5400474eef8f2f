import type { types } from '@slack/bolt';
import { isOpen, OPEN_STATUSES, type Rotation, type RotationIn } from '../../domain/rotation';
import { nextStepAction, sortByUrgency } from '../../domain/standing';
import { ACTIONS, COMMAND } from '../ids';
import { escapeMrkdwn, inlineCode, mention, packLines, plural, calendarDate, slackDateTime } from './mrkdwn';
import { actionButton, startPlannedButton } from './buttons';
import { STATUS_LABELS } from './labels';
import { failureBlocks, type ReminderFailure } from './reminder-schedule';
import { datesLine, instanceText, joinLink, meetingTimeText, workspaceSuffix } from './text';
import type { RotationMessageContext } from './types';

export type AppHomeContext = RotationMessageContext & {
  leadBusinessDays: number;
  /** The person whose Home this is: their own rotations are marked. */
  viewerId: string;
  /**
   * What the rotations given are: every rotation (an approver's Home) or the
   * ones the viewer is in the handoff of. Either way the viewer may see all of
   * each, the meeting's join link included.
   */
  scope: 'all' | 'yours';
  /**
   * Reminders of every rotation that could not be delivered, newest first, as
   * `ReminderSchedule.failures()` returns them (a `ScheduledReminder[]` fits):
   * shown so nothing fails silently.
   */
  reminderFailures?: ReminderFailure[];
};

/**
 * Slack allows 100 blocks in a Home. Four open groups of this many, the
 * planned cycles and the fixed parts come to about 75, whatever the number
 * of rotations; the rest are counted in a "more" line.
 */
export const HOME_GROUP_MAX = 10;
export const HOME_PLANNED_MAX = 10;
export const HOME_RECENT_MAX = 5;
/** Instances listed under "Next due"; the lines share one section. */
export const HOME_INSTANCES_MAX = 15;

const section = (text: string): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): types.KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const header = (text: string): types.KnownBlock => ({ type: 'header', text: { type: 'plain_text', text } });

/** Says on the Home what it shows, so nobody reads "your rotations" as "all of them". */
function scopeText(scope: 'all' | 'yours'): string {
  return scope === 'all'
    ? '*All rotations* (you are an approver).'
    : '*Your rotations*: those you requested, attend or are invited to the meeting of; approvers see all.';
}

function moreLine(count: number): types.KnownBlock {
  return context(`…and ${count} more — \`${COMMAND} list\``);
}

function involvement(rotation: Rotation, viewerId: string): string {
  if (rotation.requesterId === viewerId) return ' · _your request_';
  const attendees = 'meeting' in rotation && rotation.meeting ? rotation.meeting.attendeeIds : rotation.attendeeIds;
  return attendees.includes(viewerId) ? ' · _you attend_' : '';
}

/** The meeting with its join link: only people in the handoff and approvers have a Home that lists the rotation. */
function meetingLine(rotation: Rotation): string {
  if (rotation.status !== 'meeting_scheduled') return '';
  const { meeting } = rotation;
  const link = joinLink(meeting.joinUrl);
  return `\n:calendar: ${meetingTimeText(meeting.startsAt, meeting.timeZone)} on ${escapeMrkdwn(meeting.platform)}${link ? ` · ${link}` : ''}`;
}

function openRotationBlock(rotation: Rotation, ctx: AppHomeContext): types.KnownBlock {
  const next = nextStepAction(rotation.status);
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*${inlineCode(rotation.id)}* ${instanceText(rotation.instanceUrl)}${workspaceSuffix(rotation, ctx)}${involvement(rotation, ctx.viewerId)}\n${datesLine(rotation, ctx)}${meetingLine(rotation)}`,
    },
    ...(next ? { accessory: actionButton(rotation, next) } : {}),
  };
}

function openBlocks(rotations: Rotation[], ctx: AppHomeContext): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [header(ctx.scope === 'all' ? 'Open rotations' : 'Your open rotations')];
  const open = rotations.filter(isOpen);
  if (open.length === 0) {
    const none = ctx.scope === 'all' ? 'No open rotations.' : 'You are in no open rotation.';
    return [...blocks, section(`${none} Press *New rotation request* to start one.`)];
  }
  // Grouped in the order a rotation passes through the open states.
  for (const status of OPEN_STATUSES) {
    const group = sortByUrgency(
      open.filter((r) => r.status === status),
      ctx,
    );
    if (group.length === 0) continue;
    blocks.push(section(`*${STATUS_LABELS[status]}* (${group.length})`));
    blocks.push(...group.slice(0, HOME_GROUP_MAX).map((r) => openRotationBlock(r, ctx)));
    if (group.length > HOME_GROUP_MAX) blocks.push(moreLine(group.length - HOME_GROUP_MAX));
  }
  return blocks;
}

/** For each instance, the open or planned rotation with the earliest deadline: what comes due next there. */
function nextDueBlocks(rotations: Rotation[]): types.KnownBlock[] {
  const byInstance = new Map<string, Rotation>();
  for (const rotation of rotations) {
    if (!isOpen(rotation) && rotation.status !== 'planned') continue;
    const current = byInstance.get(rotation.instanceUrl);
    if (
      !current ||
      rotation.deadline < current.deadline ||
      (rotation.deadline === current.deadline && rotation.id < current.id)
    ) {
      byInstance.set(rotation.instanceUrl, rotation);
    }
  }
  const due = [...byInstance.values()].sort((a, b) =>
    a.deadline !== b.deadline ? (a.deadline < b.deadline ? -1 : 1) : a.instanceUrl < b.instanceUrl ? -1 : 1,
  );
  const blocks: types.KnownBlock[] = [header('Next due per instance')];
  if (due.length === 0) return [...blocks, section('Nothing is due: no open or planned rotations.')];
  const lines = due
    .slice(0, HOME_INSTANCES_MAX)
    .map(
      (r) =>
        `• ${instanceText(r.instanceUrl)}: ${inlineCode(r.id)} (${STATUS_LABELS[r.status]}), deadline ${calendarDate(r.deadline)}, submit by ${calendarDate(r.submitBy)}`,
    );
  // One section when the lines fit; the packing only matters for very long instance URLs.
  const [first = ''] = packLines(lines);
  const shownCount = first.split('\n').length;
  blocks.push(section(first));
  if (due.length > shownCount) blocks.push(moreLine(due.length - shownCount));
  return blocks;
}

function plannedBlocks(rotations: Rotation[], ctx: AppHomeContext): types.KnownBlock[] {
  const planned = sortByUrgency(
    rotations.filter((r): r is RotationIn<'planned'> => r.status === 'planned'),
    ctx,
  );
  const blocks: types.KnownBlock[] = [header('Planned next cycles')];
  if (planned.length === 0) {
    return [...blocks, section('No next cycles planned. A completed rotation set to rotate again plans its next cycle here.')];
  }
  for (const rotation of planned.slice(0, HOME_PLANNED_MAX)) {
    const previous = rotation.previousRotationId ? ` · after ${inlineCode(rotation.previousRotationId)}` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${inlineCode(rotation.id)}* ${instanceText(rotation.instanceUrl)}${workspaceSuffix(rotation, ctx)}${previous}${involvement(rotation, ctx.viewerId)}\n${datesLine(rotation, ctx)}`,
      },
      accessory: startPlannedButton(rotation),
    });
  }
  if (planned.length > HOME_PLANNED_MAX) blocks.push(moreLine(planned.length - HOME_PLANNED_MAX));
  return blocks;
}

/** Shown only when there are some: a delivery problem someone has to fix (invite the bot, unarchive the channel). */
function homeFailureBlocks(failures: readonly ReminderFailure[]): types.KnownBlock[] {
  const blocks = failureBlocks(failures, 'home');
  return blocks.length > 0 ? [...blocks, { type: 'divider' }] : [];
}

function recentBlocks(rotations: Rotation[], ctx: AppHomeContext): types.KnownBlock[] {
  const completed = rotations
    .filter((r): r is RotationIn<'completed'> => r.status === 'completed')
    .sort((a, b) => (a.completion.at !== b.completion.at ? (a.completion.at > b.completion.at ? -1 : 1) : a.id < b.id ? -1 : 1))
    .slice(0, HOME_RECENT_MAX);
  const blocks: types.KnownBlock[] = [header('Recently completed')];
  if (completed.length === 0) return [...blocks, section('No rotation completed yet.')];
  const lines = completed.map(
    (r) =>
      `• ${inlineCode(r.id)} ${instanceText(r.instanceUrl)}${workspaceSuffix(r, ctx)}: secret received ${slackDateTime(r.completion.at)}, confirmed by ${mention(r.completion.by)}` +
      (r.nextRotationId ? ` · next cycle ${inlineCode(r.nextRotationId)}` : ''),
  );
  return [...blocks, ...packLines(lines).map(section)];
}

/**
 * The App Home dashboard: open rotations grouped by state with their next
 * step as a button, the next due rotation of each instance, the planned next
 * cycles and the recently completed ones. Within Slack's 100 blocks whatever
 * the number of rotations.
 */
export function buildAppHome(rotations: Rotation[], ctx: AppHomeContext): types.HomeView {
  const openCount = rotations.filter(isOpen).length;
  return {
    type: 'home',
    blocks: [
      header(ctx.scope === 'all' ? 'WFI client secret rotation: all rotations' : 'WFI client secret rotation: your rotations'),
      {
        type: 'actions',
        block_id: 'home_actions',
        elements: [
          {
            type: 'button',
            action_id: ACTIONS.newRequest,
            style: 'primary',
            text: { type: 'plain_text', text: 'New rotation request' },
            value: 'new',
          },
        ],
      },
      context(
        `${scopeText(ctx.scope)} ${plural(openCount, 'open rotation')}, most urgent first in each group. The vendor needs the portal request at least ` +
          `${plural(ctx.leadBusinessDays, 'business day')} before the policy deadline. The secret itself is never shared in Slack.`,
      ),
      ...homeFailureBlocks(ctx.reminderFailures ?? []),
      ...openBlocks(rotations, ctx),
      { type: 'divider' },
      ...nextDueBlocks(rotations),
      { type: 'divider' },
      ...plannedBlocks(rotations, ctx),
      { type: 'divider' },
      ...recentBlocks(rotations, ctx),
      { type: 'divider' },
      context(
        `\`${COMMAND}\` opens the request form · \`${COMMAND} list\` lists the open rotations · ` +
          `\`${COMMAND} status ROT-XXXXXX\` shows one with its history · \`${COMMAND} help\``,
      ),
    ],
  };
}
