import type { ReminderSchedule, RotationEntry } from '../../src/domain/ports';
import { reminderKey, type ReminderOccurrence } from '../../src/domain/reminder-kinds';

/** One open connection to a schedule, and how to let it go. */
export interface ScheduleConnection {
  schedule: ReminderSchedule;
  close(): Promise<void>;
}

/** A fresh, empty schedule for one test; `cleanup` also removes what it stored. */
export interface OpenedSchedule extends ScheduleConnection {
  /**
   * A second, independent connection to the same schedule (another file
   * handle, another client), where the engine is shared between processes.
   */
  another?(): Promise<ScheduleConnection>;
}

export function occurrence(rotationId: string, kind: ReminderOccurrence['kind'], dueAt: string): ReminderOccurrence {
  return { rotationId, kind, dueAt, key: reminderKey(rotationId, kind, dueAt) };
}

export const T = (iso: string) => new Date(iso);
export const LEASE = 60_000;

/**
 * The schedule's contract: every engine runs these same cases. `open` is
 * called before each case and must give an empty schedule; its `close` runs
 * after the case. Engines shared between processes name what is shared
 * (`sharedAs`: "file", "server") and give `another` connection to it, where a
 * claim must still go to one of them only.
 */
export function scheduleContract(
  engine: string,
  open: () => Promise<OpenedSchedule> | OpenedSchedule,
  options: { sharedAs?: string } = {},
): void {
  describe(`the reminder schedule on ${engine}`, () => {
    let opened: OpenedSchedule;
    let schedule: ReminderSchedule;

    beforeEach(async () => {
      opened = await open();
      schedule = opened.schedule;
    });
    afterEach(async () => {
      await opened.close();
    });

    it('returns what is due, oldest first, and nothing that is not', async () => {
      await schedule.add([
        occurrence('ROT-BBBBBB', 'submit_due', '2026-03-03T09:00:00.000Z'),
        occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-02T09:00:00.000Z'),
        occurrence('ROT-CCCCCC', 'deadline_near', '2026-03-09T09:00:00.000Z'),
      ]);
      const due = await schedule.due(T('2026-03-03T09:00:00Z'), 10);
      expect(due.map((d) => d.rotationId)).toEqual(['ROT-AAAAAA', 'ROT-BBBBBB']);
      expect(due.every((d) => d.state === 'pending')).toBe(true);
      expect(await schedule.due(T('2026-03-03T09:00:00Z'), 1)).toHaveLength(1);
    });

    it('lets one claimant have an occurrence; a finished one is never due again', async () => {
      const o = occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-02T09:00:00.000Z');
      await schedule.add([o]);
      const now = T('2026-03-02T10:00:00Z');
      const claims = await Promise.all(['a', 'b', 'c'].map((owner) => schedule.claim(o.key, owner, now, LEASE)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await schedule.due(now, 10)).toEqual([]);

      await schedule.finish(o.key, { state: 'sent' }, now);
      expect(await schedule.claim(o.key, 'late', T('2026-03-05T00:00:00Z'), LEASE)).toBe(false);
      expect(await schedule.due(T('2026-03-05T00:00:00Z'), 10)).toEqual([]);
    });

    it('hands a claim left by a crashed process to another once its lease runs out', async () => {
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await schedule.add([o]);
      expect(await schedule.claim(o.key, 'crashed', T('2026-03-02T09:00:00Z'), LEASE)).toBe(true);

      expect(await schedule.claim(o.key, 'other', T('2026-03-02T09:00:30Z'), LEASE)).toBe(false);
      expect((await schedule.due(T('2026-03-02T09:01:01Z'), 10)).map((d) => d.key)).toEqual([o.key]);
      expect(await schedule.claim(o.key, 'other', T('2026-03-02T09:01:01Z'), LEASE)).toBe(true);
    });

    it('does not add an occurrence whose key exists in any state', async () => {
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await schedule.add([o]);
      await schedule.claim(o.key, 'x', T('2026-03-02T09:00:00Z'), LEASE);
      await schedule.finish(o.key, { state: 'sent' }, T('2026-03-02T09:00:00Z'));
      await schedule.add([o]);
      expect(await schedule.due(T('2026-03-03T00:00:00Z'), 10)).toEqual([]);
    });

    it('replaces only the pending occurrences of one rotation when it is replanned', async () => {
      const sent = occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-03T09:00:00.000Z');
      await schedule.add([
        sent,
        occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-04T09:00:00.000Z'),
        occurrence('ROT-BBBBBB', 'submit_due', '2026-03-05T09:00:00.000Z'),
      ]);
      await schedule.claim(sent.key, 'x', T('2026-03-03T09:00:00Z'), LEASE);
      await schedule.finish(sent.key, { state: 'sent' }, T('2026-03-03T09:00:00Z'));

      await schedule.reschedule('ROT-AAAAAA', [occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-06T09:00:00.000Z'), sent]);

      expect((await schedule.nextFor('ROT-AAAAAA'))?.kind).toBe('submit_soon');
      const due = await schedule.due(T('2026-03-10T00:00:00Z'), 10);
      expect(due.map((d) => `${d.rotationId} ${d.kind}`)).toEqual(['ROT-BBBBBB submit_due', 'ROT-AAAAAA submit_soon']);
    });

    it('does not hand out a claim whose lease ran out before the occurrence is due', async () => {
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await schedule.add([o]);
      expect(await schedule.claim(o.key, 'early', T('2026-03-01T09:00:00Z'), LEASE)).toBe(true);
      expect(await schedule.due(T('2026-03-01T10:00:00Z'), 10)).toEqual([]);
      expect(await schedule.due(T('2026-03-02T09:00:00Z'), 10)).toEqual([expect.objectContaining({ key: o.key, state: 'claimed' })]);
    });

    it('merges due pending and expired claimed occurrences by due time, then key, up to the limit', async () => {
      const os = ['ROT-CCCCCC', 'ROT-AAAAAA', 'ROT-BBBBBB', 'ROT-DDDDDD'].map((r, i) =>
        occurrence(r, 'submit_due', `2026-03-0${2 + (i % 2)}T09:00:00.000Z`),
      );
      await schedule.add(os);
      // Claim two (one of each due time) and let their leases run out.
      await schedule.claim(os[0]!.key, 'x', T('2026-03-03T09:00:00Z'), LEASE);
      await schedule.claim(os[3]!.key, 'x', T('2026-03-03T09:00:00Z'), LEASE);
      const now = T('2026-03-04T00:00:00Z');
      expect((await schedule.due(now, 10)).map((d) => `${d.dueAt.slice(0, 10)} ${d.rotationId} ${d.state}`)).toEqual([
        '2026-03-02 ROT-BBBBBB pending',
        '2026-03-02 ROT-CCCCCC claimed',
        '2026-03-03 ROT-AAAAAA pending',
        '2026-03-03 ROT-DDDDDD claimed',
      ]);
      expect((await schedule.due(now, 3)).map((d) => d.rotationId)).toEqual(['ROT-BBBBBB', 'ROT-CCCCCC', 'ROT-AAAAAA']);
      expect(await schedule.due(now, 0)).toEqual([]);
    });

    it('keeps failures with their reason, newest first, per rotation or all', async () => {
      const a = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      const b = occurrence('ROT-BBBBBB', 'submit_due', '2026-03-02T09:00:00.000Z');
      await schedule.add([a, b]);
      await schedule.finish(a.key, { state: 'failed', reason: 'is_archived' }, T('2026-03-02T09:00:00Z'));
      await schedule.finish(b.key, { state: 'failed', reason: 'channel_not_found' }, T('2026-03-02T10:00:00Z'));

      expect((await schedule.failures()).map((f) => f.failure)).toEqual(['channel_not_found', 'is_archived']);
      expect(await schedule.failures('ROT-AAAAAA')).toEqual([
        expect.objectContaining({ key: a.key, state: 'failed', failure: 'is_archived', finishedAt: '2026-03-02T09:00:00.000Z' }),
      ]);
    });

    /** What a tick does: reads up to `limit` due entries and claims each, in the order given; answers the keys it got. */
    async function claimDue(now: Date, limit: number, owner: string): Promise<string[]> {
      const claimed: string[] = [];
      for (const due of await schedule.due(now, limit)) if (await schedule.claim(due.key, owner, now, LEASE)) claimed.push(due.key);
      return claimed;
    }

    it('claims what is due by due time, and what is due at the same instant by key, whatever order it was added in', async () => {
      const os = [
        occurrence('ROT-CCCCCC', 'submit_due', '2026-03-03T09:00:00.000Z'),
        occurrence('ROT-AAAAAA', 'submit_due', '2026-03-04T09:00:00.000Z'),
        occurrence('ROT-BBBBBB', 'submit_due', '2026-03-03T09:00:00.000Z'),
        occurrence('ROT-DDDDDD', 'submit_due', '2026-03-02T09:00:00.000Z'),
        occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-03T09:00:00.000Z'),
      ];
      await schedule.add(os);
      const now = T('2026-03-05T00:00:00Z');
      // 03-02 DDDDDD; 03-03 AAAAAA (deadline_near), BBBBBB, CCCCCC; 03-04 AAAAAA (submit_due).
      const expected = [os[3]!, os[4]!, os[2]!, os[0]!, os[1]!].map((o) => o.key);
      expect((await schedule.due(now, 10)).map((d) => d.key)).toEqual(expected);
      // One at a time, as a tick with a batch of one: each claim takes the earliest left.
      const claimed: string[] = [];
      for (let round = 0; round < os.length; round++) claimed.push(...(await claimDue(now, 1, `tick-${round}`)));
      expect(claimed).toEqual(expected);
      expect(await schedule.due(now, 10)).toEqual([]);
    });

    it("gives a rotation's next reminder: its earliest pending one, by key among those due at the same instant", async () => {
      // Added latest first and with the smallest key between the others at the same instant, so that
      // neither the first nor the last one added at that instant is the answer by chance.
      const later = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-09T09:00:00.000Z');
      const submitDue = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-05T09:00:00.000Z');
      const approval = occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-05T09:00:00.000Z');
      const submitSoon = occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-05T09:00:00.000Z');
      const otherRotation = occurrence('ROT-BBBBBB', 'approval_pending', '2026-03-01T09:00:00.000Z');
      await schedule.add([later, submitDue, approval, submitSoon, otherRotation]);

      expect(await schedule.nextFor('ROT-AAAAAA')).toEqual({ ...approval, state: 'pending' });
      expect(await schedule.nextFor('ROT-BBBBBB')).toEqual({ ...otherRotation, state: 'pending' });
      expect(await schedule.nextFor('ROT-ZZZZZZ')).toBeUndefined();
    });

    it("takes a finished occurrence, claimed first or not, out of what is due and of its rotation's next reminder", async () => {
      const first = occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-05T09:00:00.000Z');
      const second = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-05T09:00:00.000Z');
      const third = occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-06T09:00:00.000Z');
      const last = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-09T09:00:00.000Z');
      await schedule.add([first, second, third, last]);
      const now = T('2026-03-10T00:00:00Z');

      // Claimed, then sent: what a tick does.
      expect(await schedule.claim(first.key, 'tick', T('2026-03-05T09:00:00Z'), LEASE)).toBe(true);
      await schedule.finish(first.key, { state: 'sent' }, T('2026-03-05T09:00:01Z'));
      expect((await schedule.nextFor('ROT-AAAAAA'))?.key).toBe(second.key);
      // Finished while still pending (no claim first): it leaves the due index all the same.
      await schedule.finish(second.key, { state: 'dropped' }, T('2026-03-05T09:00:02Z'));
      expect((await schedule.nextFor('ROT-AAAAAA'))?.key).toBe(third.key);
      expect((await schedule.due(now, 10)).map((d) => d.key)).toEqual([third.key, last.key]);
      // A claimed occurrence is not pending: the next reminder is the one after it.
      expect(await schedule.claim(third.key, 'tick', T('2026-03-06T09:00:00Z'), LEASE)).toBe(true);
      expect((await schedule.nextFor('ROT-AAAAAA'))?.key).toBe(last.key);
      await schedule.finish(third.key, { state: 'failed', reason: 'is_archived' }, T('2026-03-06T09:00:01Z'));
      await schedule.finish(last.key, { state: 'sent' }, T('2026-03-09T09:00:01Z'));

      expect(await schedule.nextFor('ROT-AAAAAA')).toBeUndefined();
      expect(await schedule.due(now, 10)).toEqual([]);
      expect(await schedule.claim(second.key, 'late', now, LEASE)).toBe(false);
    });

    it('claims exactly the limit, and what is left at the next claim, even within one due time', async () => {
      // Three due at one instant and two at the next: a limit of two splits the first instant, then crosses into the next.
      const os = [
        occurrence('ROT-CCCCCC', 'submit_due', '2026-03-02T09:00:00.000Z'),
        occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z'),
        occurrence('ROT-BBBBBB', 'submit_due', '2026-03-02T09:00:00.000Z'),
        occurrence('ROT-EEEEEE', 'submit_due', '2026-03-03T09:00:00.000Z'),
        occurrence('ROT-DDDDDD', 'submit_due', '2026-03-03T09:00:00.000Z'),
      ];
      await schedule.add(os);
      const now = T('2026-03-04T00:00:00Z');
      const rotationsOf = (keys: string[]) => keys.map((key) => key.slice(0, 10));

      expect(await schedule.due(now, 5)).toHaveLength(5);
      expect(rotationsOf(await claimDue(now, 2, 'tick-1'))).toEqual(['ROT-AAAAAA', 'ROT-BBBBBB']);
      expect(rotationsOf(await claimDue(now, 2, 'tick-2'))).toEqual(['ROT-CCCCCC', 'ROT-DDDDDD']);
      expect(rotationsOf(await claimDue(now, 2, 'tick-3'))).toEqual(['ROT-EEEEEE']);
      expect(await claimDue(now, 2, 'tick-4')).toEqual([]);
    });

    it('claims a backlog larger than a tick\'s batch of 100, most of it due at one instant, each once and in order', async () => {
      // 210 due at the same instant (one score on Redis, one bucket in memory) between 20 before and 20 after.
      const os = Array.from({ length: 250 }, (_, i) => {
        const dueAt = i < 20 ? '2026-03-02T09:00:00.000Z' : i < 230 ? '2026-03-03T09:00:00.000Z' : '2026-03-04T09:00:00.000Z';
        return occurrence(`ROT-${String(i).padStart(6, '0')}`, 'submit_due', dueAt);
      });
      // Added in a scrambled order (7 is prime to 250), so the store's order is not the order of adding.
      await schedule.add(os.map((_, i) => os[(i * 7) % os.length]!));
      const now = T('2026-03-05T00:00:00Z');

      const claimed: string[] = [];
      const batches: number[] = [];
      for (let tick = 0; tick < 10; tick++) {
        const got = await claimDue(now, 100, `tick-${tick}`);
        if (got.length === 0) break;
        batches.push(got.length);
        claimed.push(...got);
      }
      expect(batches).toEqual([100, 100, 50]);
      expect(new Set(claimed).size).toBe(claimed.length);
      // `os` is in due-then-key order already: its keys and due times both grow with i.
      expect(claimed).toEqual(os.map((o) => o.key));
    }, 60_000); // 500 writes, one statement each on SQL

    it('holds a claim up to and including the instant its lease ends, and gives it up one millisecond later', async () => {
      // Every engine compares lease_until < now: at now == leaseUntil the lease still holds.
      const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await schedule.add([o]);
      const claimedAt = T('2026-03-02T09:00:00Z');
      const leaseEnds = new Date(claimedAt.getTime() + LEASE);
      const justAfter = new Date(leaseEnds.getTime() + 1);
      expect(await schedule.claim(o.key, 'first', claimedAt, LEASE)).toBe(true);

      for (const now of [new Date(leaseEnds.getTime() - 1), leaseEnds]) {
        expect(await schedule.due(now, 10)).toEqual([]);
        expect(await schedule.claim(o.key, 'second', now, LEASE)).toBe(false);
      }
      expect(await schedule.due(justAfter, 10)).toEqual([{ ...o, state: 'claimed' }]);
      expect(await schedule.claim(o.key, 'second', justAfter, LEASE)).toBe(true);

      // The new lease runs from the claim that took it over, with the same boundary.
      const secondEnds = new Date(justAfter.getTime() + LEASE);
      expect(await schedule.due(secondEnds, 10)).toEqual([]);
      expect(await schedule.claim(o.key, 'third', secondEnds, LEASE)).toBe(false);
      expect(await schedule.claim(o.key, 'third', new Date(secondEnds.getTime() + 1), LEASE)).toBe(true);
    });

    it('lists only failed occurrences, by their last outcome, newest first, of the rotation asked for or of all', async () => {
      const a1 = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      const a2 = occurrence('ROT-AAAAAA', 'submit_soon', '2026-03-03T09:00:00.000Z');
      const b1 = occurrence('ROT-BBBBBB', 'submit_due', '2026-03-02T09:00:00.000Z');
      const sent = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-02T09:00:00.000Z');
      const dropped = occurrence('ROT-BBBBBB', 'deadline_near', '2026-03-02T09:00:00.000Z');
      const pending = occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-09T09:00:00.000Z');
      await finished(a1, 'failed', '2026-03-02T10:00:00Z');
      await finished(b1, 'failed', '2026-03-02T11:00:00Z');
      await finished(a2, 'failed', '2026-03-03T12:00:00Z');
      await finished(sent, 'sent', '2026-03-03T13:00:00Z');
      await finished(dropped, 'dropped', '2026-03-03T14:00:00Z');
      await schedule.add([pending]);
      const failedKeys = async (rotationId?: string, limit?: number) => (await schedule.failures(rotationId, limit)).map((f) => f.key);

      expect(await failedKeys()).toEqual([a2.key, b1.key, a1.key]);
      expect(await failedKeys('ROT-AAAAAA')).toEqual([a2.key, a1.key]);
      expect(await failedKeys('ROT-BBBBBB')).toEqual([b1.key]);
      expect(await failedKeys(undefined, 2)).toEqual([a2.key, b1.key]);
      expect(await failedKeys('ROT-AAAAAA', 1)).toEqual([a2.key]);

      // Finished again (a process whose claim ran out finishing after the one that took it over): the last outcome counts, once.
      await schedule.finish(a2.key, { state: 'sent' }, T('2026-03-03T15:00:00Z'));
      await schedule.finish(b1.key, { state: 'failed', reason: 'channel_not_found' }, T('2026-03-03T16:00:00Z'));
      expect(await failedKeys()).toEqual([b1.key, a1.key]);
      expect(await failedKeys('ROT-AAAAAA')).toEqual([a1.key]);
      expect(await schedule.failures('ROT-BBBBBB')).toEqual([
        { ...b1, state: 'failed', finishedAt: '2026-03-03T16:00:00.000Z', failure: 'channel_not_found' },
      ]);
      expect((await schedule.entries()).find((e) => e.key === a2.key)).toStrictEqual({ ...a2, state: 'sent', finishedAt: '2026-03-03T15:00:00.000Z' });
    });

    it('keeps every other due time when all due at one instant are finished, and takes an entry added at that instant again', async () => {
      const before = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      const [sameA, sameB] = ['ROT-BBBBBB', 'ROT-CCCCCC'].map((r) => occurrence(r, 'submit_due', '2026-03-03T09:00:00.000Z'));
      const after = occurrence('ROT-DDDDDD', 'submit_due', '2026-03-04T09:00:00.000Z');
      await schedule.add([before, sameA!, sameB!, after]);
      const now = T('2026-03-05T00:00:00Z');
      const dueKeys = async () => (await schedule.due(now, 10)).map((d) => d.key);

      // One of two at an instant finished: the other is still due.
      await finished(sameA!, 'sent', '2026-03-03T09:00:01Z');
      expect(await dueKeys()).toEqual([before.key, sameB!.key, after.key]);
      // The last one at that instant finished: the instants before and after are still due.
      await schedule.finish(sameB!.key, { state: 'dropped' }, T('2026-03-03T09:00:02Z'));
      expect(await dueKeys()).toEqual([before.key, after.key]);

      // A new entry at the emptied instant (a replanned rotation) is due, once, in its place.
      const again = occurrence('ROT-EEEEEE', 'submit_due', '2026-03-03T09:00:00.000Z');
      await schedule.add([again]);
      expect(await dueKeys()).toEqual([before.key, again.key, after.key]);
      expect(await claimDue(now, 10, 'tick')).toEqual([before.key, again.key, after.key]);
      expect(await schedule.due(now, 10)).toEqual([]);
    });

    it('keeps the weekly digest apart from the rotations: of no rotation, added once, claimed, finished and failed like any entry', async () => {
      const dueAt = '2026-03-02T09:00:00.000Z';
      await schedule.addDigest(dueAt);
      await schedule.addDigest(dueAt);
      await schedule.add([occurrence('ROT-AAAAAA', 'submit_due', dueAt)]);
      await schedule.reschedule('ROT-AAAAAA', []);

      const [digest, ...others] = await schedule.due(T('2026-03-02T09:00:00Z'), 10);
      expect(others).toEqual([]);
      expect(digest).toStrictEqual({ kind: 'weekly_digest', dueAt, key: expect.any(String), state: 'pending' });
      expect(await schedule.claim(digest!.key, 'x', T('2026-03-02T09:00:00Z'), LEASE)).toBe(true);
      await schedule.finish(digest!.key, { state: 'failed', reason: 'not_in_channel' }, T('2026-03-02T09:00:05Z'));
      expect(await schedule.failures()).toEqual([{ ...digest, state: 'failed', finishedAt: '2026-03-02T09:00:05.000Z', failure: 'not_in_channel' }]);
      await schedule.addDigest(dueAt);
      expect(await schedule.due(T('2026-03-03T00:00:00Z'), 10)).toEqual([]);
    });

    it('reads a digest stored by the previous version (under rotation "*") as the digest, and does not add it again', async () => {
      const dueAt = '2026-03-02T09:00:00.000Z';
      // What the previous version passed to add(): the digest under a stand-in rotation id.
      const previous = { rotationId: '*', kind: 'weekly_digest', dueAt, key: `*|weekly_digest|${dueAt}` };
      await schedule.add([previous as unknown as RotationEntry]);
      await schedule.addDigest(dueAt);

      expect(await schedule.due(T('2026-03-02T09:00:00Z'), 10)).toStrictEqual([{ kind: 'weekly_digest', dueAt, key: previous.key, state: 'pending' }]);
    });

    /** Adds `o` and finishes it with `state` at `finishedAt`. */
    async function finished(o: ReminderOccurrence, state: 'sent' | 'failed' | 'dropped', finishedAt: string): Promise<void> {
      await schedule.add([o]);
      await schedule.claim(o.key, 'x', T(o.dueAt), LEASE);
      await schedule.finish(o.key, state === 'failed' ? { state, reason: 'is_archived' } : { state }, T(finishedAt));
    }

    it('lists every entry in every state, by key', async () => {
      const pending = occurrence('ROT-BBBBBB', 'submit_due', '2026-03-09T09:00:00.000Z');
      const claimed = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-02T09:00:00.000Z');
      const failed = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
      await schedule.add([pending, claimed]);
      await schedule.claim(claimed.key, 'x', T('2026-03-02T09:00:00Z'), LEASE);
      await finished(failed, 'failed', '2026-03-02T09:00:05Z');
      await schedule.addDigest('2026-03-02T09:00:00.000Z');

      const entries = await schedule.entries();
      expect(entries.map((e) => e.key)).toEqual([...entries.map((e) => e.key)].sort());
      expect(entries).toEqual(
        expect.arrayContaining([
          { ...pending, state: 'pending' },
          { ...claimed, state: 'claimed' },
          { ...failed, state: 'failed', finishedAt: '2026-03-02T09:00:05.000Z', failure: 'is_archived' },
          { kind: 'weekly_digest', dueAt: '2026-03-02T09:00:00.000Z', key: expect.any(String), state: 'pending' },
        ]),
      );
      expect(entries).toHaveLength(4);
    });

    it('prunes what finished before the cutoff, the digest too, and keeps what is younger, pending or claimed', async () => {
      const cutoff = '2026-06-01T00:00:00.000Z';
      const sent = occurrence('ROT-AAAAAA', 'approval_pending', '2026-03-02T09:00:00.000Z');
      const failed = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-03T09:00:00.000Z');
      const dropped = occurrence('ROT-BBBBBB', 'submit_due', '2026-03-03T09:00:00.000Z');
      const atCutoff = occurrence('ROT-BBBBBB', 'submit_soon', '2026-05-31T09:00:00.000Z');
      const young = occurrence('ROT-CCCCCC', 'submit_due', '2026-05-31T09:00:00.000Z');
      const pending = occurrence('ROT-AAAAAA', 'deadline_near', '2026-03-04T09:00:00.000Z');
      const claimed = occurrence('ROT-CCCCCC', 'deadline_near', '2026-03-04T09:00:00.000Z');
      await finished(sent, 'sent', '2026-03-02T09:00:01Z');
      await finished(failed, 'failed', '2026-03-03T09:00:01Z');
      await finished(dropped, 'dropped', '2026-03-03T09:00:02Z');
      await finished(atCutoff, 'sent', cutoff);
      await finished(young, 'sent', '2026-06-01T00:00:01Z');
      await schedule.add([pending, claimed]);
      // A claim from long ago whose lease ran out: due again, never pruned.
      await schedule.claim(claimed.key, 'crashed', T('2026-03-04T09:00:00Z'), LEASE);
      await schedule.addDigest('2026-03-02T09:00:00.000Z');
      const [digest] = (await schedule.entries()).filter((e) => e.kind === 'weekly_digest');
      await schedule.claim(digest!.key, 'x', T('2026-03-02T09:00:00Z'), LEASE);
      await schedule.finish(digest!.key, { state: 'sent' }, T('2026-03-02T09:00:03Z'));

      expect(await schedule.pruneFinished(T(cutoff))).toBe(4);

      expect((await schedule.entries()).map((e) => `${e.key} ${e.state}`).sort()).toEqual(
        [`${atCutoff.key} sent`, `${young.key} sent`, `${pending.key} pending`, `${claimed.key} claimed`].sort(),
      );
      expect(await schedule.failures()).toEqual([]);
      expect(await schedule.failures('ROT-AAAAAA')).toEqual([]);
      expect((await schedule.nextFor('ROT-AAAAAA'))?.key).toBe(pending.key);
      expect((await schedule.due(T('2026-06-02T00:00:00Z'), 10)).map((d) => d.key).sort()).toEqual([pending.key, claimed.key].sort());
      // Replanning a rotation whose finished rows were pruned still replaces only its pending ones.
      await schedule.reschedule('ROT-AAAAAA', [occurrence('ROT-AAAAAA', 'submit_soon', '2026-06-05T09:00:00.000Z')]);
      expect((await schedule.nextFor('ROT-AAAAAA'))?.kind).toBe('submit_soon');
      expect(await schedule.pruneFinished(T(cutoff))).toBe(0);
    });

    it('prunes a large backlog once however many prune at the same time', async () => {
      const count = 1_050;
      const os = Array.from({ length: count }, (_, i) => occurrence(`ROT-${String(i).padStart(6, '0')}`, 'submit_due', '2026-03-02T09:00:00.000Z'));
      await schedule.add(os);
      for (const o of os) await schedule.finish(o.key, { state: 'sent' }, T('2026-03-02T09:00:01Z'));
      const keep = occurrence('ROT-ZZZZZZ', 'submit_due', '2026-03-09T09:00:00.000Z');
      await schedule.add([keep]);
      const second = opened.another ? await opened.another() : { schedule, close: async () => undefined };
      try {
        const removed = await Promise.all([schedule.pruneFinished(T('2026-04-01T00:00:00Z')), second.schedule.pruneFinished(T('2026-04-01T00:00:00Z'))]);
        expect(removed[0]! + removed[1]!).toBe(count);
      } finally {
        await second.close();
      }
      expect(await schedule.entries()).toEqual([{ ...keep, state: 'pending' }]);
    }, 60_000); // a thousand writes, one statement each on SQL

    const { sharedAs } = options;
    if (sharedAs !== undefined) {
      it(`gives a claim to exactly one of two connections to the same ${sharedAs}`, async () => {
        if (!opened.another) throw new Error(`${engine}: sharedAs needs another() connection`);
        const second = await opened.another();
        try {
          const o = occurrence('ROT-AAAAAA', 'submit_due', '2026-03-02T09:00:00.000Z');
          await schedule.add([o]);
          const now = T('2026-03-02T09:00:00Z');
          const results = await Promise.all([schedule.claim(o.key, 'one', now, LEASE), second.schedule.claim(o.key, 'two', now, LEASE)]);
          expect(results.filter(Boolean)).toHaveLength(1);
        } finally {
          await second.close();
        }
      });
    }
  });
}
