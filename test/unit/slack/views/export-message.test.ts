import { createHash } from 'node:crypto';
import { nextLogRecord, verifyAuditTrail, type AuditReport } from '../../../../src/domain/audit-chain';
import type { Rotation } from '../../../../src/domain/rotation';
import { auditLine, buildExportMessage } from '../../../../src/slack/views/export-message';
import { aRotation, aRotationIn, asStored } from '../../../../testkit/rotations';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const rotation = asStored(aRotationIn('approved', { id: 'ROT-AAAAAA' }));
const log = rotation.history.reduce<ReturnType<typeof nextLogRecord>[]>(
  (records, entry, index) => [...records, nextLogRecord(records.at(-1), { rotationId: rotation.id, index, entryHash: entry.hash as string }, sha256)],
  [],
);
const verified = verifyAuditTrail([rotation], log, sha256);

function brokenIn(count: number): AuditReport {
  const rotations: Rotation[] = Array.from({ length: count }, (_, i) => {
    const stored = asStored(aRotation({ id: `ROT-B${String(i).padStart(5, '2')}` }));
    return { ...stored, history: stored.history.map((e) => ({ ...e, actorId: 'U0SOMEONE' })) };
  });
  return verifyAuditTrail(rotations, [], sha256);
}

const textOf = (message: ReturnType<typeof buildExportMessage>) => JSON.stringify(message.blocks);

describe('the export message', () => {
  it('given chains that verify, when built, then it says so with the entries and the log head', () => {
    expect(auditLine(verified)).toBe(`:white_check_mark: Audit trail: every hash chain verifies (2 entries; store-wide log head \`${log[1]?.hash}\`).`);
  });

  it('given entries not logged yet, when built, then it says how many, and still verifies', () => {
    expect(auditLine(verifyAuditTrail([rotation], log.slice(0, 1), sha256))).toMatch(/every hash chain verifies .*\. 1 entry written meanwhile is not in the log yet\.$/);
  });

  it('given broken chains, when built, then it says so first and names the first three and how many more', () => {
    const line = auditLine(brokenIn(5));

    expect(line.split('\n')).toEqual([
      ':warning: *Audit trail: the hash chains do NOT verify* (5 broken chains): the store was changed outside the bot.',
      '• ROT-B22220: entry 0 does not match its hash: the entry was edited',
      '• ROT-B22221: entry 0 does not match its hash: the entry was edited',
      '• ROT-B22222: entry 0 does not match its hash: the entry was edited',
      '• … and 2 more',
      // This store has no log at all, so each entry also counts as not logged yet.
      '`npm run audit:verify` on the store names every broken link. 5 entries written meanwhile are not in the log yet.',
    ]);
  });

  it.each(['csv', 'jsonl'] as const)('given a %s file, when built, then it points at the file and carries the audit line, within Block Kit limits', (format) => {
    const message = buildExportMessage({ format, rotations: 1, audit: brokenIn(60) });

    expect(textOf(message)).toContain(format === 'csv' ? 'The CSV file is in the thread.' : 'The JSON Lines file is in the thread');
    expect(textOf(message)).toContain('do NOT verify');
    expect(message.text).toBe('Export of 1 rotation with their whole history, for your evidence file. Audit trail: the hash chains do NOT verify.');
    expectWithinBlockKitLimits('message', message);
  });

  it('given a small CSV, when built, then it is shown inline, followed by the audit line', () => {
    const message = buildExportMessage({ format: 'csv', rotations: 2, audit: verified, escapedInline: 'rotation_id,…' });

    expect(message.blocks.map((b) => (b as { text: { text: string } }).text.text)).toEqual([
      'Export of 2 rotations with their whole history, for your evidence file.\n```rotation_id,…```',
      auditLine(verified),
    ]);
    expect(message.text).toContain('every hash chain verifies');
  });
});
