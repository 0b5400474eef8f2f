import type { types } from '@slack/bolt';
import { isOpen, type Rotation } from '../../domain/rotation';
import { sortByUrgency } from '../../domain/standing';
import { COMMAND } from '../ids';
import { STATUS_LABELS } from './labels';
import { inlineCode, plural } from './mrkdwn';
import { datesLine, instanceText, workspaceSuffix } from './text';
import type { RotationMessageContext, SlackMessage } from './types';

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
          text: `${inlineCode(rotation.id)} · *${STATUS_LABELS[rotation.status]}* · ${instanceText(rotation.instanceUrl)}${workspaceSuffix(rotation, context)}\n${datesLine(rotation, context)}`,
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
