#!/usr/bin/env node
import { CodedError, isCodedError } from '../domain/errors';
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { ReminderSchedule, RotationStore, ScheduledReminder, StepExecutionStore, WaitingStep } from '../domain/ports';
import { describeFinding } from '../domain/audit-chain';
import type { Rotation } from '../domain/rotation';
import { checkAuditTrail } from '../services/audit-trail';
import { readOptions } from './command-line';
import { openStore, sqlitePath } from '../store/keyv-factory';
import { STORE_URL_FORMS, storeUrlProblem } from '../store/store-url';
import { causeOf, redactUrl } from '../lib/error-text';

export interface MigratableStore {
  rotations: RotationStore;
  reminders: ReminderSchedule;
  steps: StepExecutionStore;
}

export interface MigrateOptions {
  /** The most unfinished reminder occurrences read from the source at once; more than this is refused, not truncated. */
  reminderLimit?: number;
  /** Throws when a store has reported an error it did not throw (a listing cut short): checked once both stores are read. */
  failIfReported?: () => void;
}

/** What was copied: rotations inserted into the target, their reminder occurrences and the weekly digest's added to it. */
export interface MigrateResult {
  rotations: number;
  reminders: number;
  /** Pending weekly digests (one, unless the digest day was changed while one was pending): of no rotation, so counted apart. */
  digests: number;
  /** Workflow executions recorded with the rotation each made (request_rotation), added to the target. */
  stepExecutions: number;
  /** Workflow steps waiting on a rotation (await_rotation), added to the target, without their tokens. */
  waitingSteps: number;
}

/** The migration refused, or found the target not matching the source afterwards. */
function migrationFailed(message: string, options?: { cause?: unknown }): CodedError {
  return new CodedError('MIGRATION_FAILED', message, options);
}

/** Later than any reminder: `due()` at this instant returns every unfinished occurrence. */
const FAR_FUTURE = new Date(8.64e15);
const DEFAULT_REMINDER_LIMIT = 1_000_000;

async function unfinished(schedule: ReminderSchedule, limit: number, which: string): Promise<ScheduledReminder[]> {
  const occurrences = await schedule.due(FAR_FUTURE, limit);
  if (occurrences.length >= limit) {
    throw migrationFailed(`The ${which} store holds ${limit} or more unfinished reminders; raise the limit to copy them all`);
  }
  return occurrences;
}

/** The due times of the weekly digests among these occurrences: a digest is known by when it is due, its key is the store's. */
const digestsDue = (occurrences: ScheduledReminder[]) => new Set(occurrences.flatMap((o) => (o.kind === 'weekly_digest' ? [o.dueAt] : [])));

/** The workflow steps' records of the source's rotations: which execution made which, and the steps waiting on them. */
interface StepRecords {
  executions: Map<string, string>;
  waiting: Map<string, WaitingStep[]>;
}

async function stepRecords(steps: StepExecutionStore, owners?: Set<string>): Promise<StepRecords> {
  const [executions, waiting] = [await steps.executions(), await steps.waiting()];
  if (!owners) return { executions, waiting };
  return {
    executions: new Map([...executions].filter(([, rotationId]) => owners.has(rotationId))),
    waiting: new Map([...waiting].filter(([rotationId]) => owners.has(rotationId))),
  };
}

/** The steps of `waiting` that `there` does not record as waiting on the same rotation. */
function waitingMissing(waiting: Map<string, WaitingStep[]>, there: Map<string, WaitingStep[]>): Array<{ rotationId: string; step: WaitingStep }> {
  return [...waiting].flatMap(([rotationId, steps]) => {
    const recorded = new Set((there.get(rotationId) ?? []).map((s) => s.executionId));
    return steps.filter((s) => !recorded.has(s.executionId)).map((step) => ({ rotationId, step }));
  });
}

const listIds = (ids: string[]) => (ids.length > 10 ? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more` : ids.join(', '));

/**
 * Copies every rotation (with its audit history and where its message was
 * posted), every unfinished reminder occurrence of those rotations and of
 * the weekly digest, and the workflow steps' records of those rotations (which
 * execution made which, the steps waiting on them: without their execution
 * tokens, which Slack expires within 15 minutes, so a step waiting is completed
 * with the bot's token) from one store to another, then reads the target back to
 * verify it (its audit trail's hash chains too: each rotation keeps the
 * hashes it had, the target's log lists them in the order they are copied).
 * A source whose audit trail does not verify is refused. Safe to run again: rotations already in the target at the same
 * version are left alone and reminders whose key is there (the digest: due
 * at the same time) and steps' records already there are not added twice. A rotation in the target at another
 * version, or an execution recorded there with another rotation, is a conflict: nothing is copied and the error
 * names it.
 *
 * Occurrences claimed in the source (a replica died while sending them, or
 * the bot was stopped mid-tick) are copied as pending: the source would hand
 * them to another replica once their lease ran out, so the target does the
 * same rather than lose them. Sent, failed and dropped occurrences stay
 * behind. Run it with the bot stopped, so the source does not change meanwhile.
 */
export async function migrateStore(from: MigratableStore, to: MigratableStore, options: MigrateOptions = {}): Promise<MigrateResult> {
  const limit = options.reminderLimit ?? DEFAULT_REMINDER_LIMIT;
  // A target made by an earlier release indexes and chains what it holds first (copied rotations are as they are written).
  await step('indexing the target (--to)', () => to.rotations.migrate());
  await step('verifying the source\'s audit trail (--from)', () => refuseBrokenTrail(from, options));
  const rotations = await step('reading the source (--from)', () => from.rotations.list());
  const existing = await step('reading the target (--to)', async () => new Map((await to.rotations.list()).map((r) => [r.id, r])));
  const owners = new Set(rotations.map((r) => r.id));
  const steps = await step('reading the source\'s workflow steps (--from)', () => stepRecords(from.steps, owners));
  const stepsInTarget = await step('reading the target\'s workflow steps (--to)', () => stepRecords(to.steps));
  // A listing cut short is reported only as an event (see main): said now, not as the "deleted" or "missing" rotations it would make of what follows.
  options.failIfReported?.();

  const conflicts = rotations.filter((r) => existing.has(r.id) && existing.get(r.id)?.version !== r.version);
  if (conflicts.length > 0) {
    const described = conflicts.map((r) => `${r.id} (version ${r.version} in the source, ${existing.get(r.id)?.version} in the target)`);
    throw migrationFailed(
      `The target already holds ${conflicts.length === 1 ? 'a rotation' : `${conflicts.length} rotations`} at another version, so nothing was copied: ${listIds(described)}`,
    );
  }
  const executionConflicts = [...steps.executions].filter(([id, rotationId]) => stepsInTarget.executions.has(id) && stepsInTarget.executions.get(id) !== rotationId);
  if (executionConflicts.length > 0) {
    const described = executionConflicts.map(([id, rotationId]) => `${id} (${rotationId} in the source, ${stepsInTarget.executions.get(id)} in the target)`);
    throw migrationFailed(
      `The target already records ${executionConflicts.length === 1 ? 'a workflow execution' : `${executionConflicts.length} workflow executions`} with another rotation, so nothing was copied: ${listIds(described)}`,
    );
  }

  let copiedRotations = 0;
  await step('writing rotations to the target (--to)', async () => {
    for (const rotation of rotations) {
      const there = existing.get(rotation.id);
      if (!there) {
        await to.rotations.insert(rotation);
        copiedRotations++;
      }
      // Also when the rotation was there already: an earlier run may have stopped between the two writes.
      if (rotation.message && !isDeepStrictEqual(there?.message, rotation.message)) await to.rotations.setMessage(rotation.id, rotation.message);
    }
  });

  const inTarget = await step('reading the target\'s reminders (--to)', () => unfinished(to.reminders, limit, 'target'));
  const keysInTarget = new Set(inTarget.map((o) => o.key));
  const digestsInTarget = digestsDue(inTarget);
  const fromSource = await step('reading the source\'s reminders (--from)', () => unfinished(from.reminders, limit, 'source'));
  const toCopy = fromSource.flatMap(({ key, rotationId, kind, dueAt }) =>
    rotationId !== undefined && owners.has(rotationId) && !keysInTarget.has(key) ? [{ key, rotationId, kind, dueAt }] : [],
  );
  const digestsToCopy = [...digestsDue(fromSource)].filter((dueAt) => !digestsInTarget.has(dueAt));
  await step('writing reminders to the target (--to)', async () => {
    await to.reminders.add(toCopy);
    for (const dueAt of digestsToCopy) await to.reminders.addDigest(dueAt);
  });

  const executionsToCopy = [...steps.executions].filter(([id]) => !stepsInTarget.executions.has(id));
  const waitingToCopy = waitingMissing(steps.waiting, stepsInTarget.waiting);
  await step('writing the workflow steps\' records to the target (--to)', async () => {
    // Recorded as the first delivery of each execution would: a later redelivery finds the rotation and makes none.
    for (const [executionId, rotationId] of executionsToCopy) await to.steps.onceForExecution(executionId, async () => rotationId);
    for (const { rotationId, step: waitingStep } of waitingToCopy) await to.steps.addWaiting(rotationId, waitingStep);
  });

  await step('verifying the target (--to)', () => verify(rotations, to));
  await step('verifying the target (--to)', () => verifySteps(steps, to));
  // An occurrence the target already had and finished is not added again (keys are unique in any state): not counted.
  const after = await step('verifying the target (--to)', () => unfinished(to.reminders, limit, 'target'));
  const added = new Set(after.map((o) => o.key));
  const digestsAdded = digestsDue(after);
  return {
    rotations: copiedRotations,
    reminders: toCopy.filter((o) => added.has(o.key)).length,
    digests: digestsToCopy.filter((dueAt) => digestsAdded.has(dueAt)).length,
    stepExecutions: executionsToCopy.length,
    waitingSteps: waitingToCopy.length,
  };
}

/**
 * Copying a store whose audit trail does not verify would hide that: the
 * target would build a log of its own around whatever it was given. A store
 * made before the chain existed (no log at all, no entry with a hash) is
 * copied, and chained in the target.
 */
async function refuseBrokenTrail(from: MigratableStore, options: MigrateOptions): Promise<void> {
  const report = await checkAuditTrail(from.rotations);
  // What a listing cut short makes of the trail (rotations "deleted") is not the source's fault: the cut is named instead.
  options.failIfReported?.();
  const neverChained = report.logRecords === 0 && report.findings.every((finding) => finding.problem === 'unsealed');
  if (report.findings.length === 0 || neverChained) return;
  throw migrationFailed(
    `The source's audit trail does not verify, so nothing was copied (run npm run audit:verify on it): ` +
      `${report.findings.slice(0, 3).map(describeFinding).join('; ')}${report.findings.length > 3 ? `; and ${report.findings.length - 3} more` : ''}`,
  );
}

/** Runs one step; a store's failure says which step it broke, and on which flag's store ("writing rotations to the target (--to): connect ECONNREFUSED …"). */
async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isCodedError(error, 'MIGRATION_FAILED')) throw error;
    throw migrationFailed(`${what}: ${causeOf(error, (link) => isCodedError(link))}`, { cause: error });
  }
}

/** The target must now hold every source rotation at its version, with its message. */
async function verify(rotations: Rotation[], to: MigratableStore): Promise<void> {
  const copied = new Map((await to.rotations.list()).map((r) => [r.id, r]));
  const mismatches: string[] = [];
  for (const rotation of rotations) {
    const there = copied.get(rotation.id);
    if (!there) mismatches.push(`${rotation.id} is missing`);
    else if (there.version !== rotation.version) mismatches.push(`${rotation.id} is at version ${there.version}, not ${rotation.version}`);
    else if (rotation.message && !isDeepStrictEqual(there.message, rotation.message)) mismatches.push(`${rotation.id} lost its message location`);
  }
  if (mismatches.length > 0) {
    throw migrationFailed(`The target does not match the source after copying (${mismatches.length} of ${rotations.length}): ${listIds(mismatches)}`);
  }
  const audit = await checkAuditTrail(to.rotations);
  if (audit.findings.length > 0) {
    throw migrationFailed(`The target's audit trail does not verify after copying: ${listIds(audit.findings.map(describeFinding))}`);
  }
}

/** The target must now record every copied execution with its rotation, and every step waiting. */
async function verifySteps(copied: StepRecords, to: MigratableStore): Promise<void> {
  const there = await stepRecords(to.steps);
  const mismatches = [
    ...[...copied.executions].flatMap(([id, rotationId]) => (there.executions.get(id) === rotationId ? [] : [`workflow execution ${id} is not recorded with ${rotationId}`])),
    ...waitingMissing(copied.waiting, there.waiting).map(({ rotationId, step: s }) => `workflow step ${s.executionId} is not waiting on ${rotationId}`),
  ];
  if (mismatches.length > 0) throw migrationFailed(`The target does not match the source after copying: ${listIds(mismatches)}`);
}

export const USAGE = `Usage: npm run store:migrate -- --from URL --to URL

Copies every rotation (with its history and message location), every
pending reminder and the workflow steps' records (which execution made which
rotation, the steps waiting; not their short-lived tokens) from one store to
another, then reads the target back to verify it, its audit trail's hash
chains included. A source whose audit
trail does not verify is refused (npm run audit:verify names what is
wrong); one made before the chain existed is chained in the target. Stop
the bot first. Running it again copies only what is missing.

Options:
  --from URL   the store to copy from: ${STORE_URL_FORMS}
  --to URL     the store to copy into (not the same as --from)
  -h, --help   show this help

Exit status: 0 copied and verified, 1 refused or failed (the reason is printed).
`;

/** Two URLs naming the same store: the same SQLite file however it is written, else the same text. */
function sameStore(a: string, b: string): boolean {
  const normal = (url: string) => (url.startsWith('sqlite://') ? `sqlite://${sqlitePath(url)}` : url.replace(/\/+$/, ''));
  return normal(a) === normal(b);
}

const counted = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * "3 rotations and 5 pending reminders"; the weekly digest is named apart, not
 * counted as a rotation's reminder; the workflow steps' records when there were any.
 */
function copiedText({ rotations, reminders, digests, stepExecutions, waitingSteps }: MigrateResult): string {
  const parts = [
    counted(rotations, 'rotation'),
    counted(reminders, 'pending reminder'),
    ...(digests === 0 ? [] : [digests === 1 ? 'the weekly digest' : `${digests} weekly digests`]),
    ...(stepExecutions === 0 ? [] : [counted(stepExecutions, 'workflow execution')]),
    ...(waitingSteps === 0 ? [] : [counted(waitingSteps, 'waiting workflow step')]),
  ];
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
}

export interface MigrateIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

function incomplete(reported: string[]): CodedError {
  return migrationFailed(
    `a store reported ${reported.length === 1 ? 'an error' : `${reported.length} errors`} while copying, so the copy may be incomplete ` +
      `(run it again once both stores answer): ${[...new Set(reported)].slice(0, 3).join('; ')}`,
  );
}

const consoleIo: MigrateIo = { stdout: (line) => console.log(line), stderr: (line) => console.error(line) };

/** How the command opens a STORE_URL: `openStore`, or a stand-in in tests. */
export type OpenStore = (storeUrl: string, onError: (error: Error) => void) => MigratableStore;

export async function main(argv: string[], io: MigrateIo = consoleIo, open: OpenStore = openStore): Promise<number> {
  const read = readOptions(argv, ['from', 'to'], USAGE, io, 1);
  if ('exitCode' in read) return read.exitCode;
  const { from, to } = read.values;
  if (!from || !to) {
    io.stderr(`${!from && !to ? '--from and --to are' : !from ? '--from is' : '--to is'} required.\n\n${USAGE}`);
    return 1;
  }
  const badUrls = (
    [
      ['--from', from],
      ['--to', to],
    ] as const
  ).flatMap(([flag, url]) => {
    const problem = storeUrlProblem(url);
    return problem ? [`${flag} ${problem}`] : [];
  });
  if (badUrls.length > 0) {
    io.stderr(`${badUrls.join('\n')}\n\n${USAGE}`);
    return 1;
  }
  if (sameStore(from, to)) {
    io.stderr(`--from and --to name the same store (${redactUrl(from)}): nothing to copy.`);
    return 1;
  }
  if (from.startsWith('sqlite://') && !existsSync(sqlitePath(from))) {
    io.stderr(`--from ${redactUrl(from)} names no store: there is no file ${sqlitePath(from)} (the bot makes its SQLite file when it first starts).`);
    return 1;
  }

  const opened: MigratableStore[] = [];
  // Some adapters report a failure only as an event and carry on (@keyv/postgres
  // ends a listing early and quietly): any such report fails the migration.
  const reported: string[] = [];
  try {
    const source = await step('opening the source (--from)', async () => open(from, (error) => reported.push(`the source: ${error.message}`)));
    opened.push(source);
    const target = await step('opening the target (--to)', async () => open(to, (error) => reported.push(`the target: ${error.message}`)));
    opened.push(target);
    const failIfReported = () => {
      if (reported.length > 0) throw incomplete(reported);
    };
    const result = await migrateStore(source, target, { failIfReported });
    failIfReported();
    io.stdout(`Copied ${copiedText(result)} from ${redactUrl(from)} to ${redactUrl(to)}; verified.`);
    return 0;
  } catch (error) {
    io.stderr(`Migration from ${redactUrl(from)} to ${redactUrl(to)} failed: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  } finally {
    for (const store of opened) await store.rotations.close().catch(() => undefined);
  }
}

if (require.main === module) {
  // Exit once done: nothing a store may leave behind (a Redis client still
  // reconnecting to a server that went away) holds the process open.
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
