import type { types } from '@slack/bolt';
import type { Rotation } from '../../domain/rotation';
import { COMMAND } from '../ids';
import { escapeMrkdwn, mention } from './mrkdwn';
import { buildRotationSummary, STATUS_LABELS, type RotationMessageContext, type SlackMessage } from './rotation-message';

export function buildHelp(): SlackMessage {
  const text =
    `*${COMMAND}*: request and track the rotation of the Workforce Intelligence client secret.\n` +
    `• \`${COMMAND}\`: open the request form (instance, policy deadline, reminder channel, attendees)\n` +
    `• \`${COMMAND} list\`: the open rotations, most urgent first\n` +
    `• \`${COMMAND} status ROT-XXXXXX\`: one rotation with its history\n` +
    `• \`${COMMAND} help\`: this message\n` +
    'The vendor needs the portal request at least 10 business days before your policy deadline; ' +
    'the bot works out that date and prepares every field. The secret itself is never shared in Slack.';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function buildComingSoon(what: string): SlackMessage {
  const text = `\`${COMMAND} ${escapeMrkdwn(what)}\` is coming soon. For now, \`${COMMAND} status ROT-XXXXXX\` shows one rotation.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function buildNotFound(idText: string): SlackMessage {
  const text = `No rotation \`${escapeMrkdwn(idText)}\` was found. Ids look like ROT-4F7K2Q; \`${COMMAND} list\` shows the open ones.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** Slack allows 50 blocks per message; the history is cut to the latest entries to stay well inside. */
const MAX_HISTORY_LINES = 30;

export function buildRotationStatus(rotation: Rotation, context: RotationMessageContext): SlackMessage {
  const history = rotation.history.slice(-MAX_HISTORY_LINES).map((entry) => {
    const details = Object.entries(entry.details ?? {})
      .map(([key, value]) => `${key}: ${escapeMrkdwn(value)}`)
      .join(', ');
    const change = entry.from ? `${entry.from} → ${entry.to}` : entry.to;
    return `• ${entry.at.slice(0, 16).replace('T', ' ')} UTC · ${mention(entry.actorId)} · ${change}${details ? ` (${details})` : ''}`;
  });
  const where = rotation.message ? `Message: <#${rotation.message.channelId}>` : 'The message was not posted yet.';
  const blocks: types.KnownBlock[] = [
    ...buildRotationSummary(rotation, context),
    { type: 'section', text: { type: 'mrkdwn', text: `*History*\n${history.join('\n')}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: where }] },
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
