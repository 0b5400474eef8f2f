import { COMMAND } from '../ids';
import { escapeMrkdwn, truncate } from './mrkdwn';
import type { SlackMessage } from './types';

export function buildHelp(leadBusinessDays: number): SlackMessage {
  const text =
    `*${COMMAND}*: request and track the rotation of the Workforce Intelligence client secret.\n` +
    `• \`${COMMAND}\`: open the request form (instance, policy deadline, reminder channel, attendees)\n` +
    `• \`${COMMAND} list\`: the open rotations, most urgent first\n` +
    `• \`${COMMAND} status ROT-XXXXXX\`: one rotation with its history\n` +
    `• \`${COMMAND} export\`: every rotation and its history as CSV, sent to you directly, with whether the audit trail's hash chains verify (evidence for audits; approvers only)\n` +
    `• \`${COMMAND} export jsonl\`: the same as JSON Lines, with names and each entry's hash, for a SIEM\n` +
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

/** `export` followed by something that is not a format: the formats there are. */
export function buildExportFormats(asked: string): SlackMessage {
  const text =
    `\`${COMMAND} export\` knows no format \`${escapeMrkdwn(truncate(asked, ECHO_MAX))}\`. ` +
    `Use \`${COMMAND} export\` (or \`export csv\`) for CSV, or \`${COMMAND} export jsonl\` for JSON Lines.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
