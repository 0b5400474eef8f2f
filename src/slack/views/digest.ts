import type { types } from '@slack/bolt';
import { todayIn } from '../../domain/calendar';
import { awaitsSubmission, isOpen, type Rotation, type RotationIn } from '../../domain/rotation';
import { sortByUrgency, submitByStanding } from '../../domain/standing';
import { COMMAND } from '../ids';
import { STATUS_LABELS } from './labels';
import { calendarDate, inlineCode, packLines, plural } from './mrkdwn';
import { datesLine, instanceText, workspaceSuffix } from './text';
import type { RotationMessageContext, SlackMessage } from './types';

/** Open rotations in the digest; the rest are counted. With the planned ones, well inside Slack's 50 blocks. */
export const DIGEST_OPEN_MAX = 30;
export const DIGEST_PLANNED_MAX = 10;

function digestSection(heading: string, lines: string[], total: number, max: number, more: string): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = packLines([heading, ...lines]).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  if (total > max) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${total - max} more, ${more}.` }] });
  return blocks;
}

/**
 * The weekly summary for a channel: open rotations most urgent first and the
 * planned next cycles, one line each. Mentions nobody: it is a summary, not a
 * call to act (the reminders do that).
 */
export function buildDigest(rotations: Rotation[], context: RotationMessageContext): SlackMessage {
  const open = sortByUrgency(rotations.filter(isOpen), context);
  const planned = sortByUrgency(
    rotations.filter((r): r is RotationIn<'planned'> => r.status === 'planned'),
    context,
  );
  const title: types.KnownBlock = { type: 'header', text: { type: 'plain_text', text: 'Weekly digest: WFI client secret rotations' } };
  if (open.length === 0 && planned.length === 0) {
    const text = `No open or planned rotations this week. \`${COMMAND}\` opens the request form.`;
    return { text: `Weekly digest: ${text}`, blocks: [title, { type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const today = calendarDate(todayIn(context.policy.calendar, context.now));
  const lateCount = open.filter((r) => awaitsSubmission(r) && submitByStanding(r, context).late).length;
  const counts = `${plural(open.length, 'open rotation')}${lateCount > 0 ? ` (${lateCount} late)` : ''}, ${plural(planned.length, 'planned next cycle')}`;
  const summary = `${counts} · as of ${today}`;
  const blocks: types.KnownBlock[] = [title, { type: 'context', elements: [{ type: 'mrkdwn', text: summary }] }];
  if (open.length > 0) {
    const lines = open
      .slice(0, DIGEST_OPEN_MAX)
      .map((r) => `• ${inlineCode(r.id)} *${STATUS_LABELS[r.status]}* · ${instanceText(r.instanceUrl)}${workspaceSuffix(r, context)} · ${datesLine(r, context)}`);
    blocks.push(...digestSection('*Open rotations*, most urgent first', lines, open.length, DIGEST_OPEN_MAX, 'less urgent'));
  }
  if (planned.length > 0) {
    const lines = planned
      .slice(0, DIGEST_PLANNED_MAX)
      .map((r) => `• ${inlineCode(r.id)} ${instanceText(r.instanceUrl)}${workspaceSuffix(r, context)} · ${datesLine(r, context)}`);
    blocks.push(...digestSection('*Planned next cycles*', lines, planned.length, DIGEST_PLANNED_MAX, 'due later'));
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `\`${COMMAND} list\` lists the open rotations; the App Home has a button for each next step.` }],
  });
  return { text: `Weekly digest: ${counts}`, blocks };
}
