import { randomUUID } from 'node:crypto';
import type { ServiceDeps } from '../../src/services/lifecycle-deps';
import { saveNewRotation } from '../../src/services/request-rotation';
import { CLAIM_LEASE_MS, runDueReminders } from '../../src/services/reminders';
import { transitionRotation } from '../../src/services/transition-rotation';
import { tempStoreUrl } from '../support/bot-harness';
import { RecordingNotifier } from '../support/recording-notifier';
import { APPROVER, HOUR, REQUESTER, VirtualClock, servicesOn } from '../support/simulation';

/**
 * Replicas on one shared store: each has its own connection (one pool per
 * process for PostgreSQL, see README), its own in-process locks and its own
 * scheduler, and they act at the same moments. SQLite always; Redis and
 * PostgreSQL when TEST_REDIS_URL / TEST_POSTGRES_URL are set.
 */
const engines = [
  ['SQLite', undefined],
  ['Redis', process.env.TEST_REDIS_URL],
  ['PostgreSQL', process.env.TEST_POSTGRES_URL],
].filter(([name, url]) => name === 'SQLite' || url !== undefined) as Array<[string, string | undefined]>;

const request = (deadline: string) => ({
  instanceUrl: 'https://acme.wfi.pega.com',
  environmentType: 'Production' as const,
  deadline,
  channelId: 'C0CHANNEL1',
  attendeeIds: [REQUESTER],
});

describe.each(engines)('three replicas on %s', (_engine, sharedUrl) => {
  let url: string;
  let cleanup = () => undefined as void;
  let namespace: string;
  let clock: VirtualClock;
  let replicas: Array<ServiceDeps & { close(): Promise<void>; notifier: RecordingNotifier }>;

  beforeEach(() => {
    if (sharedUrl) url = sharedUrl;
    else ({ url, cleanup } = tempStoreUrl());
    namespace = `replicas_${randomUUID().slice(0, 8)}`;
    clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
    replicas = [0, 1, 2].map(() => {
      const notifier = new RecordingNotifier(clock);
      return Object.assign(servicesOn(url, clock, notifier, namespace), { notifier });
    });
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.close();
    cleanup();
  });

  it('send every reminder of a simulated month exactly once between them', async () => {
    for (const deadline of ['2026-03-20', '2026-03-27', '2026-04-03']) await saveNewRotation(replicas[0] as ServiceDeps, request(deadline), REQUESTER);

    for (let t = Date.parse('2026-03-02T11:00:00Z'); t <= Date.parse('2026-04-01T10:00:00Z'); t += HOUR) {
      clock.t = t;
      await Promise.all(replicas.map((replica) => runDueReminders(replica)));
    }

    const sent = replicas.flatMap((r) => r.notifier.sent).map((s) => `${s.rotationId} ${s.kind} ${s.dueAt}`);
    expect(new Set(sent).size).toBe(sent.length);
    // Three rotations, each reminded of approval every business day for a month, among others.
    expect(sent.filter((s) => s.includes('approval_pending')).length).toBe(3 * 22);
    expect(sent.filter((s) => s.includes('submit_due'))).toHaveLength(3);
  });

  it('hands the reminders a crashed replica had claimed to another after the lease, once', async () => {
    const rotation = await saveNewRotation(replicas[0] as ServiceDeps, request('2026-03-31'), REQUESTER);
    clock.set('2026-03-03T09:00:00Z');
    const crashed = replicas[0] as ServiceDeps;
    const [due] = await crashed.reminders.due(clock.now(), 10);
    // The replica claims and dies before sending (kill -9 mid-tick).
    expect(await crashed.reminders.claim(due?.key as string, 'crashed-replica', clock.now(), CLAIM_LEASE_MS)).toBe(true);

    await Promise.all(replicas.slice(1).map((replica) => runDueReminders(replica)));
    expect(replicas.flatMap((r) => r.notifier.sent)).toEqual([]);

    clock.t += CLAIM_LEASE_MS + 1000;
    await Promise.all(replicas.slice(1).map((replica) => runDueReminders(replica)));
    await Promise.all(replicas.slice(1).map((replica) => runDueReminders(replica)));
    const sent = replicas.flatMap((r) => r.notifier.sent);
    expect(sent.map((s) => `${s.rotationId} ${s.kind}`)).toEqual([`${rotation.id} approval_pending`]);
  });

  it('turn approvals of one rotation sent to different replicas into one transition and one audit entry', async () => {
    const rotation = await saveNewRotation(replicas[0] as ServiceDeps, request('2026-03-31'), REQUESTER);
    const outcomes = await Promise.all(
      replicas.map((replica) =>
        transitionRotation(replica, { rotationId: rotation.id, actorId: APPROVER, action: { type: 'approve' }, expectedVersion: 1 }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.error.code)).toEqual(['ALREADY_DONE', 'ALREADY_DONE']);
    const stored = await (replicas[1] as ServiceDeps).store.get(rotation.id);
    expect(stored?.history.filter((e) => e.to === 'approved')).toHaveLength(1);
    expect(stored?.version).toBe(2);
  });
});
