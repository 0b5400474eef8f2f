#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { ConfigError, loadStoreUrl } from '../config';
import { describeFinding, type AuditReport } from '../domain/audit-chain';
import { checkAuditTrail } from '../services/audit-trail';
import { openStore, sqlitePath } from '../store/keyv-factory';
import { readOptions } from './command-line';
import { redactUrl } from '../lib/error-text';
import type { MigrateIo, OpenStore } from './migrate-store';

export const USAGE = `Usage: npm run audit:verify [-- --store URL]

Checks the audit trail's hash chains: each rotation's (every entry carries
the hash of the one before it) and the store-wide log of every entry, and
names the first broken link of each broken chain: the rotation, the entry's
index (from 0, as in the JSON Lines export) and what is wrong. It only reads.

Options:
  --store URL  the store to check (default: STORE_URL, as the bot reads it)
  -h, --help   show this help

Exit status: 0 every chain verifies, 1 a chain is broken, 2 the check could
not be made (bad arguments, the store cannot be read).
`;

/** Broken links printed before "and N more". */
const SHOWN = 50;

function summary(report: AuditReport): string {
  const { rotations, entries, logRecords, logHead } = report;
  return `${rotations} rotation(s), ${entries} entr${entries === 1 ? 'y' : 'ies'}, ${logRecords} record(s) in the store-wide log (head ${logHead})`;
}

/** What the report says, line by line. */
export function reportLines(report: AuditReport, where: string): { ok: boolean; lines: string[] } {
  const pending =
    report.pending > 0
      ? [
          `${report.pending} entr${report.pending === 1 ? 'y is' : 'ies are'} not in the store-wide log yet (written while it was read, or by a write cut short ` +
            'before its logging): each is logged with its rotation\'s next change.',
        ]
      : [];
  if (report.findings.length === 0) return { ok: true, lines: [`The audit trail of ${where} verifies: ${summary(report)}.`, ...pending] };
  const shown = report.findings.slice(0, SHOWN).map((finding) => `  ${describeFinding(finding)}`);
  const more = report.findings.length > SHOWN ? [`  … and ${report.findings.length - SHOWN} more`] : [];
  return {
    ok: false,
    lines: [
      `The audit trail of ${where} does NOT verify: ${report.findings.length} broken chain(s); the first broken link of each:`,
      ...shown,
      ...more,
      `Checked: ${summary(report)}.`,
      ...pending,
    ],
  };
}

const consoleIo: MigrateIo = { stdout: (line) => console.log(line), stderr: (line) => console.error(line) };

export async function main(
  argv: string[],
  io: MigrateIo = consoleIo,
  open: OpenStore = openStore,
  env?: Record<string, string | undefined>,
): Promise<number> {
  const read = readOptions(argv, ['store'], USAGE, io, 2);
  if ('exitCode' in read) return read.exitCode;
  const { values } = read;
  let url: string;
  try {
    url = values.store ?? loadStoreUrl(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(error.problems.join('\n'));
    return 2;
  }
  // Opening a SQLite URL would create an empty file, which would then "verify".
  if (url.startsWith('sqlite://') && !existsSync(sqlitePath(url))) {
    io.stderr(`There is no store at ${redactUrl(url)} (no file ${sqlitePath(url)}).`);
    return 2;
  }
  const reported: string[] = [];
  let store: ReturnType<OpenStore> | undefined;
  try {
    store = open(url, (error) => reported.push(error.message));
    const report = await checkAuditTrail(store.rotations);
    // An adapter that reports a failure only as an event (a listing cut short) makes the check incomplete.
    if (reported.length > 0) throw new Error(`the store reported: ${[...new Set(reported)].slice(0, 3).join('; ')}`);
    const { ok, lines } = reportLines(report, redactUrl(url));
    for (const line of lines) io.stdout(line);
    return ok ? 0 : 1;
  } catch (error) {
    const cause = reported.length > 0 ? new Error(`the store reported: ${[...new Set(reported)].slice(0, 3).join('; ')}`) : error;
    io.stderr(`The audit trail of ${redactUrl(url)} could not be checked: ${(cause as Error)?.message ?? String(cause)}`);
    return 2;
  } finally {
    await store?.rotations.close().catch(() => undefined);
  }
}

if (require.main === module) {
  // Exit once done: @keyv/postgres keeps its pool open past close() (see migrate-store.ts).
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
