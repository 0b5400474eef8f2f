import type { types } from '@slack/bolt';
import type { AuditEntry, Rotation } from '../../domain/rotation';
import { STATUS_LABELS } from './labels';
import { calendarDate, escapeMrkdwn, httpsLink, mention, packLines, SECTION_TEXT_MAX, slackDateTime, truncate } from './mrkdwn';
import { reminderScheduleBlocks } from './reminder-schedule';
import { workspaceSuffix } from './text';
import { buildRotationSummary } from './rotation-summary';
import type { RotationMessageContext, SlackMessage } from './types';

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
  const where = `${rotation.message ? `Message: <#${rotation.message.channelId}>` : 'The message was not posted yet.'}${workspaceSuffix(rotation, context)}`;
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
