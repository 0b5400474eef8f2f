import type { AuditReport } from '../../domain/audit-chain';
import { describeFinding } from '../../domain/audit-chain';
import type { ExportFormat } from '../../domain/ports';
import { escapeMrkdwn, inlineCode, plural, truncate } from './mrkdwn';
import type { SlackMessage } from './types';

/** Broken links named in the message; `npm run audit:verify` lists them all. */
const FINDINGS_SHOWN = 3;

const FILES: Record<ExportFormat, string> = {
  csv: 'The CSV file is in the thread.',
  jsonl: 'The JSON Lines file is in the thread: one object per audit entry, with people\'s names and each entry\'s hash, for your SIEM.',
};

const entries = (count: number) => `${count} ${count === 1 ? 'entry' : 'entries'}`;

/** Whether the audit trail the export was read from verifies: a line of its own, so nobody files evidence that does not. */
export function auditLine(audit: AuditReport): string {
  const pending = audit.pending > 0 ? ` ${entries(audit.pending)} written meanwhile ${audit.pending === 1 ? 'is' : 'are'} not in the log yet.` : '';
  if (audit.findings.length === 0) {
    return `:white_check_mark: Audit trail: every hash chain verifies (${entries(audit.entries)}; store-wide log head ${inlineCode(audit.logHead)}).${pending}`;
  }
  const named = audit.findings.slice(0, FINDINGS_SHOWN).map((finding) => `• ${escapeMrkdwn(truncate(describeFinding(finding), 300))}`);
  const more = audit.findings.length > FINDINGS_SHOWN ? [`• … and ${audit.findings.length - FINDINGS_SHOWN} more`] : [];
  return [
    `:warning: *Audit trail: the hash chains do NOT verify* (${plural(audit.findings.length, 'broken chain')}): the store was changed outside the bot.`,
    ...named,
    ...more,
    `\`npm run audit:verify\` on the store names every broken link.${pending}`,
  ].join('\n');
}

/**
 * The direct message carrying an export: the CSV inline when small, else a
 * pointer to the attached file (JSON Lines always goes as a file), and
 * whether the audit trail's hash chains verify.
 */
export function buildExportMessage(options: { format: ExportFormat; rotations: number; audit: AuditReport; escapedInline?: string }): SlackMessage {
  const { format, rotations, audit, escapedInline } = options;
  const intro = `Export of ${plural(rotations, 'rotation')} with their whole history, for your evidence file.`;
  const text = escapedInline === undefined ? `${intro} ${FILES[format]}` : `${intro}\n\`\`\`${escapedInline}\`\`\``;
  const verified = audit.findings.length === 0 ? 'every hash chain verifies' : 'the hash chains do NOT verify';
  return {
    text: `${intro} Audit trail: ${verified}.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'section', text: { type: 'mrkdwn', text: auditLine(audit) } },
    ],
  };
}
