import type { types } from '@slack/bolt';
import { isOpen, type AuditEntry, type Rotation } from '../../domain/rotation';
import { sortByUrgency } from '../../domain/standing';
import { COMMAND } from '../ids';
import { calendarDate, escapeMrkdwn, httpsLink, inlineCode, mention, packLines, plural, SECTION_TEXT_MAX, slackDateTime, truncate } from './mrkdwn';
import { STATUS_LABELS } from './labels';
import { reminderScheduleBlocks } from './reminder-schedule';
import { buildRotationSummary } from './rotation-message';
import { datesLine, instanceText } from './text';
import type { RotationMessageContext, SlackMessage } from './types';

export function buildHelp(leadBusinessDays: number): SlackMessage {
  const text =
    `*${COMMAND}*: request and track the rotation of the Workforce Intelligence client secret.\n` +
    `• \`${COMMAND}\`: open the request form (instance, policy deadline, reminder channel, attendees)\n` +
    `• \`${COMMAND} list\`: the open rotations, most urgent first\n` +
    `• \`${COMMAND} status ROT-XXXXXX\`: one rotation with its history\n` +
    `• \`${COMMAND} export\`: every rotation and its history as CSV, sent to you directly (evidence for audits; approvers only)\n` +
    `• \`${COMMAND} help\`: this message\n` +
    `The vendor needs the portal request at least ${leadBusinessDays} business days before your policy deadline; ` +
    'the bot works out that date and prepares every field. The secret itself is never shared in Slack.';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** What a person typed is echoed back only this far: a slash command's text can be thousands of characters. */
const ECHO_MAX = 60;

export function buildNotFound(idText: string): SlackMessage {
  const text = `No rotation \`${escapeMrkdwn(truncate(idText, ECHO_MAX))}\` was found. Ids look like ROT-4F7K2Q; \`${COMMAND} list\` shows the open ones.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** Slack allows 50 blocks per message; the history is cut to the latest entries to stay well inside. */
const MAX_HISTORY_LINES = 30;
/** A detail value (a reason, a case number) is shown up to this length; the full value stays in the store. */
const MAX_DETAIL_CHARS = 200;
/** Room for the history of one section: Slack's section text limit, less the heading. */
const HISTORY_HEADING = '*History*\n';
const HISTORY_SECTION_MAX = SECTION_TEXT_MAX - HISTORY_HEADING.length;

/** The UTC wall-clock time of an instant, the fallback of its token: `2026-02-20 10:00 UTC`. */
function utcFallback(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** Detail keys whose values are calendar dates, shown as plain dates; `startsAt` is an instant. */
const DATE_DETAILS = new Set(['deadline', 'submitBy', 'submittedOn']);

/** One recorded detail, shown the way every other surface shows it; the join link only to those who may see it. */
function historyDetail(key: string, value: string, showJoinLink: boolean): string | undefined {
  if (key === 'joinUrl') return showJoinLink ? `join link: ${httpsLink(value, 'Join the meeting') ?? escapeMrkdwn(truncate(value, MAX_DETAIL_CHARS))}` : undefined;
  const shown = DATE_DETAILS.has(key)
    ? calendarDate(value)
    : key === 'startsAt'
      ? slackDateTime(value, utcFallback(value))
      : key === 'attendees'
        ? value.split(' ').filter(Boolean).map(mention).join(' ')
        : escapeMrkdwn(truncate(value, MAX_DETAIL_CHARS));
  return `${escapeMrkdwn(truncate(key, 40))}: ${shown}`;
}

function historyLine(entry: AuditEntry, showJoinLink: boolean): string {
  const details = Object.entries(entry.details ?? {})
    .map(([key, value]) => historyDetail(key, value, showJoinLink))
    .filter((detail): detail is string => detail !== undefined)
    .join(', ');
  const change = entry.event ? `${entry.event} (still ${entry.to})` : entry.from ? `${entry.from} → ${entry.to}` : entry.to;
  // The time as a token: an instant, which each reader sees in their own zone.
  return `• ${slackDateTime(entry.at, utcFallback(entry.at))} · ${mention(entry.actorId)} · ${change}${details ? ` (${details})` : ''}`;
}

/** History lines packed into as few sections as fit Slack's 3000-character section text. */
function historySections(lines: string[]): types.KnownBlock[] {
  return packLines(lines, HISTORY_SECTION_MAX).map((text, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: i === 0 ? `${HISTORY_HEADING}${text}` : text },
  }));
}

export interface StatusContext extends RotationMessageContext {
  /**
   * Whether the person asking is in the handoff or an approver: they see the
   * meeting's join link in the history; anyone else sees what the channel shows.
   */
  showJoinLink: boolean;
}

export function buildRotationStatus(rotation: Rotation, context: StatusContext): SlackMessage {
  const shown = rotation.history.slice(-MAX_HISTORY_LINES);
  const where = rotation.message ? `Message: <#${rotation.message.channelId}>` : 'The message was not posted yet.';
  const omitted = rotation.history.length - shown.length;
  const blocks: types.KnownBlock[] = [
    ...buildRotationSummary(rotation, context),
    ...reminderScheduleBlocks(context),
    ...historySections(shown.map((entry) => historyLine(entry, context.showJoinLink))),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: omitted > 0 ? `${where} · Showing the latest ${shown.length} of ${rotation.history.length} history entries.` : where,
        },
      ],
    },
  ];
  return { text: `${rotation.id}: ${STATUS_LABELS[rotation.status]}`, blocks };
}

/** Put above the rotation message when it has to go to the requester instead of the chosen channel. */
export function buildUndeliverableNotice(channelId: string, reason: string): SlackMessage {
  const text =
    `:warning: I could not post this request in <#${channelId}> (Slack said \`${escapeMrkdwn(reason)}\`). ` +
    'Invite me there with `/invite`, or choose another channel next time. Here is the request:';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** Slack allows 50 blocks per message: the heading, this many rotations and the "more" line stay well inside. */
export const LIST_MAX = 40;

/** `/wfi-rotate list`: the open rotations the person may see, most urgent first, privately to them. */
export function buildRotationList(rotations: Rotation[], context: RotationMessageContext & { scope: 'all' | 'yours' }): SlackMessage {
  const open = sortByUrgency(rotations.filter(isOpen), context);
  const whose = context.scope === 'all' ? 'open rotation' : 'open rotation of yours';
  if (open.length === 0) {
    const text =
      context.scope === 'all'
        ? `No open rotations. \`${COMMAND}\` opens the request form.`
        : `You are in no open rotation (approvers see all of them). \`${COMMAND}\` opens the request form.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const shown = open.slice(0, LIST_MAX);
  const heading =
    context.scope === 'all'
      ? `*All rotations: ${plural(open.length, 'open rotation')}*, most urgent first`
      : `*Your rotations: ${plural(open.length, whose)}*, most urgent first (those you requested, attend or are invited to; approvers see all)`;
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: heading } },
    ...shown.map(
      (rotation): types.KnownBlock => ({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${inlineCode(rotation.id)} · *${STATUS_LABELS[rotation.status]}* · ${instanceText(rotation.instanceUrl)}\n${datesLine(rotation, context)}`,
        },
      }),
    ),
  ];
  if (open.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${open.length - shown.length} more, less urgent. \`${COMMAND} status ROT-XXXXXX\` shows any one of them.`,
        },
      ],
    });
  }
  return { text: `${plural(open.length, whose)}, most urgent first`, blocks };
}
