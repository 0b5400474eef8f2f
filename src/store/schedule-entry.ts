import type { ScheduledKind, ScheduledReminder } from '../domain/ports';
import { reminderKey } from '../domain/reminder-kinds';

/** An entry as every engine stores it: with a rotation column, which the digest fills with DIGEST_OWNER. */
export interface StoredEntry {
  key: string;
  rotationId: string;
  kind: ScheduledKind;
  /** ISO instant. */
  dueAt: string;
}

/**
 * The digest is stored as earlier versions stored it, under a rotation id no
 * rotation has, with the key `*|weekly_digest|<instant>`: so the digest
 * pending when the bot is upgraded and the one the new version schedules at
 * start are the same entry (not two digests that week), a store written by
 * either version reads the same in both (a rolling upgrade, a rollback), and
 * the SQL tables keep their NOT NULL rotation column without a migration.
 * It is read back by its kind, so this id never leaves the store.
 */
const DIGEST_OWNER = '*';

/** The stored form of the weekly digest due at `dueAt`. */
export function storedDigest(dueAt: string): StoredEntry {
  return { key: reminderKey(DIGEST_OWNER, 'weekly_digest', dueAt), rotationId: DIGEST_OWNER, kind: 'weekly_digest', dueAt };
}

/** A stored entry as the port gives it: the digest (by its kind, whatever its rotation column says) has no rotation. */
export function readEntry({ rotationId, kind, ...rest }: StoredEntry & Pick<ScheduledReminder, 'state' | 'finishedAt' | 'failure'>): ScheduledReminder {
  return kind === 'weekly_digest' ? { ...rest, kind } : { ...rest, kind, rotationId };
}
