import { plural } from './mrkdwn';
import type { SlackMessage } from './types';

/** The direct message carrying an export: the CSV inline when small, else a pointer to the attached file. */
export function buildExportMessage(rotationCount: number, escapedCsv?: string): SlackMessage {
  const intro = `Export of ${plural(rotationCount, 'rotation')} with their whole history, for your evidence file.`;
  const text = escapedCsv === undefined ? `${intro} The CSV file is in the thread.` : `${intro}\n\`\`\`${escapedCsv}\`\`\``;
  return { text: intro, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
