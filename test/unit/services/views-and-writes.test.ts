import { CodedError } from '../../../src/domain/errors';
import type { ScheduledReminder } from '../../../src/domain/ports';
import { handoffPeople, type AuditEntry, type Rotation } from '../../../src/domain/rotation';
import { changeRotation } from '../../../src/services/change-rotation';
import { involvedPeople, openedHome, refreshDashboards, viewFor } from '../../../src/services/dashboards';
import type { ServiceDeps } from '../../../src/services/lifecycle-deps';
import { saveNewRotation } from '../../../src/services/request-rotation';
import { openRotationsFor, rotationStatus } from '../../../src/services/rotation-queries';
import { announceTransition, transitionRotation } from '../../../src/services/transition-rotation';
import { openStore } from '../../../src/store/keyv-factory';
import { RecordingNotifier } from '../../support/recording-notifier';
import { APPROVER, servicesOn, VirtualClock } from '../../support/simulation';
import { aRequest, aRotationIn, REQUESTER_ID, asStored } from '../../../testkit/rotations';

/**
 * The use cases' own rules, on the in-memory store: who sees which rotations,
 * whose dashboards are refreshed, and how a write survives a lost race or an
 * id collision. (The bot suites cover them end to end; these pin the edges.)
 */

const STRANGER = 'U0STRANGER';
const ATTENDEE = 'U0FRIEND1';
const SOMEONE = 'U0SOMEONE';

const failure = (rotationId: string | undefined): ScheduledReminder => ({ rotationId }) as ScheduledReminder;

describe('what each person sees', () => {
  const mine = aRotationIn('approved', { id: 'ROT-222222', attendeeIds: [REQUESTER_ID, ATTENDEE] });
  const theirs = aRotationIn('approved', { id: 'ROT-222223', requesterId: SOMEONE, attendeeIds: [SOMEONE] });
  const approvers = { statusOf: async (id: string) => (id === APPROVER ? 'approver' : 'not_approver'), knownApproverIds: () => [APPROVER] } as ServiceDeps['approvers'];

  it('an approver sees every rotation and every failure; anyone else their own and their own failures only', async () => {
    const { rotations: store } = openStore('memory://');
    for (const rotation of [mine, theirs]) await store.insert(rotation);
    const deps = { approvers, store };
    const failures = [failure(mine.id), failure(theirs.id), failure(undefined)];
    const byId = (view: { rotations: Rotation[] }) => ({ ...view, rotations: [...view.rotations].sort((a, b) => (a.id < b.id ? -1 : 1)) });
    expect(byId(await viewFor(deps, APPROVER, failures))).toEqual({ scope: 'all', rotations: [mine, theirs].map(asStored), reminderFailures: failures });
    expect(await viewFor(deps, ATTENDEE, failures)).toEqual({ scope: 'yours', rotations: [asStored(mine)], reminderFailures: [failures[0]] });
    expect(await viewFor(deps, STRANGER, failures)).toEqual({ scope: 'yours', rotations: [], reminderFailures: [] });
  });

  it('involvedPeople is the handoff, every known approver and the actor, each once', () => {
    expect(involvedPeople(mine, [APPROVER, REQUESTER_ID], STRANGER)).toEqual([REQUESTER_ID, ATTENDEE, APPROVER, STRANGER]);
  });
});

describe('queries and dashboards on a store', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };
  let homes: Array<{ viewerId: string; scope: string; ids: string[] }>;
  let warnings: string[];

  beforeEach(() => {
    const notifier = new RecordingNotifier(clock);
    homes = [];
    notifier.publishHome = async (viewerId, view) => {
      if (viewerId === 'U0BROKEN') throw new Error('home refused');
      homes.push({ viewerId, scope: view.scope, ids: view.rotations.map((r) => r.id) });
    };
    warnings = [];
    deps = servicesOn('memory://', clock, notifier);
    deps.logger = { ...deps.logger, warn: (message: string) => warnings.push(message) };
    // No query here may read every rotation ever stored: they read the store's index.
    deps.store.list = () => Promise.reject(new Error('a full read of the store'));
  });
  afterEach(() => deps.close());

  it('status: none for an unknown id; everything for the handoff and approvers, the channel view for anyone else', async () => {
    const rotation = aRotationIn('approved', { attendeeIds: [REQUESTER_ID, ATTENDEE] });
    await deps.store.insert(rotation);
    expect(await rotationStatus(deps, 'ROT-ZZZZZZ', APPROVER)).toBeUndefined();
    for (const [viewer, sees] of [
      [REQUESTER_ID, true],
      [ATTENDEE, true],
      [APPROVER, true],
      [STRANGER, false],
    ] as const) {
      const status = await rotationStatus(deps, rotation.id, viewer);
      expect(status?.rotation.id).toBe(rotation.id);
      expect(status?.seesEverything).toBe(sees);
    }
  });

  it('list: the open rotations only, all of them for an approver, their own for anyone else', async () => {
    const open = aRotationIn('approved', { id: 'ROT-222222' });
    const closed = aRotationIn('completed', { id: 'ROT-222223' });
    const othersOpen = aRotationIn('requested', { id: 'ROT-222224', requesterId: SOMEONE, attendeeIds: [SOMEONE] });
    for (const rotation of [open, closed, othersOpen]) await deps.store.insert(rotation);
    const ids = (view: { rotations: Rotation[] }) => view.rotations.map((r) => r.id).sort();
    expect(ids(await openRotationsFor(deps, APPROVER))).toEqual(['ROT-222222', 'ROT-222224']);
    expect(ids(await openRotationsFor(deps, REQUESTER_ID))).toEqual(['ROT-222222']);
  });

  it('refreshes one home per person who opened App Home, with their own view; nobody else; a home that fails is logged, not passed on', async () => {
    await deps.store.insert(aRotationIn('approved', { id: 'ROT-222222' }));
    for (const viewer of [STRANGER, REQUESTER_ID, APPROVER, 'U0BROKEN']) await deps.store.recordHomeViewer(viewer);
    await refreshDashboards(deps, [STRANGER]);
    expect(homes).toEqual([{ viewerId: STRANGER, scope: 'yours', ids: [] }]);
    expect(warnings).toEqual([]);
    homes.length = 0;
    // The attendee is in the rotation but never opened App Home: no Home for them.
    await refreshDashboards(deps, [REQUESTER_ID, ATTENDEE, APPROVER, REQUESTER_ID, 'U0BROKEN']);
    expect(homes).toEqual([
      { viewerId: REQUESTER_ID, scope: 'yours', ids: ['ROT-222222'] },
      { viewerId: APPROVER, scope: 'all', ids: ['ROT-222222'] },
    ]);
    expect(warnings).toEqual(['App Home not refreshed for 1 of 3 people: home refused']);
    homes.length = 0;
    await refreshDashboards(deps, [ATTENDEE, SOMEONE]);
    expect(homes).toEqual([]);
  });

  it('opening App Home records the person and publishes their Home at once, over the hash the event gave', async () => {
    const hashes: Array<string | undefined> = [];
    const publish = deps.notifier.publishHome.bind(deps.notifier);
    deps.notifier.publishHome = async (viewerId, view, now, hash) => {
      hashes.push(hash);
      return publish(viewerId, view, now, hash);
    };
    await openedHome(deps, ATTENDEE, '1772445600.0001');
    expect(homes).toEqual([{ viewerId: ATTENDEE, scope: 'yours', ids: [] }]);
    expect(hashes).toEqual(['1772445600.0001']);
    expect(await deps.store.homeViewers([ATTENDEE, SOMEONE])).toEqual([ATTENDEE]);
    // From then on a change involving them refreshes their Home.
    await refreshDashboards(deps, [ATTENDEE]);
    expect(homes).toHaveLength(2);
  });

  it('opening App Home with a store that cannot record it still publishes the Home, and logs it', async () => {
    deps.store.recordHomeViewer = () => Promise.reject(new Error('store down'));
    await openedHome(deps, ATTENDEE);
    expect(homes).toEqual([{ viewerId: ATTENDEE, scope: 'yours', ids: [] }]);
    expect(warnings).toEqual([`Could not record that ${ATTENDEE} opened App Home: store down`]);
  });

  it('a store that cannot be read refreshes nothing and logs it', async () => {
    for (const viewer of [REQUESTER_ID, APPROVER]) await deps.store.recordHomeViewer(viewer);
    deps.store.involving = () => Promise.reject(new Error('store down'));
    await refreshDashboards(deps, [REQUESTER_ID]);
    expect(homes).toEqual([]);
    expect(warnings).toEqual(['App Home not refreshed for 1 of 1 people: store down']);
    deps.reminders.failures = () => Promise.reject(new Error('schedule down'));
    await refreshDashboards(deps, [APPROVER]);
    expect(homes).toEqual([]);
    expect(warnings.at(-1)).toBe('Could not refresh the App Home of 1 people: schedule down');
    deps.store.homeViewers = () => Promise.reject(new Error('index down'));
    await refreshDashboards(deps, [APPROVER, REQUESTER_ID]);
    expect(warnings.at(-1)).toBe('Could not refresh the App Home of 2 people: index down');
  });

  it('publishes over the hash known before the read; when Slack says the Home changed since, reads again and publishes without one', async () => {
    await deps.store.insert(aRotationIn('requested', { id: 'ROT-222222' }));
    await deps.store.recordHomeViewer(REQUESTER_ID);
    const tries: Array<{ hash: string | undefined; statuses: string[] }> = [];
    deps.notifier.homeHash = (viewerId) => (viewerId === REQUESTER_ID ? 'h-before-the-read' : undefined);
    deps.notifier.publishHome = async (_viewerId, view, _now, hash) => {
      tries.push({ hash, statuses: view.rotations.map((r) => r.status) });
      if (hash !== undefined) {
        // Another publish got there first, showing the rotation approved.
        await deps.store.replace(aRotationIn('approved', { id: 'ROT-222222' }), 1);
        throw new CodedError('HOME_VIEW_CHANGED', 'hash_conflict');
      }
    };
    await refreshDashboards(deps, [REQUESTER_ID]);
    // The second publish's view is read after the one that got there first.
    expect(tries).toEqual([
      { hash: 'h-before-the-read', statuses: ['requested'] },
      { hash: undefined, statuses: ['approved'] },
    ]);
    expect(warnings).toEqual([]);
  });
});

describe('writes that race', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };

  beforeEach(() => {
    deps = servicesOn('memory://', clock, new RecordingNotifier(clock));
  });
  afterEach(() => deps.close());

  const approve = (expectedVersion?: number) => ({
    rotationId: 'ROT-222222',
    actor: { userId: APPROVER, isApprover: true },
    change: { type: 'approve' } as const,
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });

  /** The store loses the next `times` compare-and-set writes, as if another process wrote first. */
  function losing(times: number): number[] {
    const tried: number[] = [];
    const replace = deps.store.replace.bind(deps.store);
    deps.store.replace = async (rotation, expected) => {
      tried.push(expected);
      return tried.length <= times ? false : replace(rotation, expected);
    };
    return tried;
  }

  it('retries a lost write and gives up with STALE after the third', async () => {
    await deps.store.insert(aRotationIn('requested', { id: 'ROT-222222' }));
    const tried = losing(2);
    expect((await changeRotation(deps, approve())).ok).toBe(true);
    expect(tried).toHaveLength(3);

    await deps.store.insert(aRotationIn('requested', { id: 'ROT-222223' }));
    const again = losing(3);
    expect(await changeRotation(deps, { ...approve(), rotationId: 'ROT-222223' })).toEqual({ ok: false, error: { code: 'STALE', status: 'requested' } });
    expect(again).toHaveLength(3);
    const once = losing(1);
    expect(await changeRotation(deps, { ...approve(), rotationId: 'ROT-222223' }, { attempts: 1 })).toEqual({ ok: false, error: { code: 'STALE', status: 'requested' } });
    expect(once).toHaveLength(1);
  });

  it('passes the version the button was rendered at: an older one is refused as stale, the current one goes through', async () => {
    const rotation = aRotationIn('requested', { id: 'ROT-222222' });
    await deps.store.insert(rotation);
    expect(await changeRotation(deps, approve(rotation.version - 1))).toEqual({ ok: false, error: { code: 'STALE', status: 'requested' } });
    expect((await changeRotation(deps, approve(rotation.version))).ok).toBe(true);
  });

  it('a new rotation whose id is taken gets a fresh id, up to five tries; any other failure is passed on at once', async () => {
    const insert = deps.store.insert.bind(deps.store);
    let collisions = 1;
    const tried: string[] = [];
    deps.store.insert = async (rotation) => {
      tried.push(rotation.id);
      if (collisions-- > 0) throw new CodedError('ROTATION_EXISTS', 'taken');
      return insert(rotation);
    };
    const saved = await saveNewRotation(deps, aRequest(), REQUESTER_ID);
    expect(tried).toHaveLength(2);
    expect(saved.id).toBe(tried[1]);
    expect(await deps.store.get(saved.id)).toBeDefined();

    tried.length = 0;
    collisions = 5;
    await expect(saveNewRotation(deps, aRequest(), REQUESTER_ID)).rejects.toThrow('taken');
    expect(tried).toHaveLength(5);

    tried.length = 0;
    deps.store.insert = async (rotation) => {
      tried.push(rotation.id);
      throw new Error('store down');
    };
    await expect(saveNewRotation(deps, aRequest(), REQUESTER_ID)).rejects.toThrow('store down');
    expect(tried).toHaveLength(1);
  });
});

describe('a step and its announcement', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };
  let notifier: RecordingNotifier;
  let errors: string[];
  let detailsSentTo: string[][];

  beforeEach(() => {
    notifier = new RecordingNotifier(clock);
    detailsSentTo = [];
    Object.assign(notifier, {
      sendMeetingDetails: async (_rotation: Rotation, recipients: string[]) => {
        detailsSentTo.push(recipients);
      },
    });
    errors = [];
    deps = servicesOn('memory://', clock, notifier);
    deps.logger = { ...deps.logger, error: (message: string) => errors.push(message) };
  });
  afterEach(() => deps.close());

  const entry = (from: AuditEntry['from'], to: AuditEntry['to']): AuditEntry => ({ at: '2026-03-02T10:00:00.000Z', actorId: APPROVER, from, to });

  it('checks the actor against the approvers and the version the button showed', async () => {
    const rotation = aRotationIn('requested', { id: 'ROT-222222' });
    await deps.store.insert(rotation);
    const refused = await transitionRotation(deps, { rotationId: rotation.id, actorId: STRANGER, action: { type: 'approve' } });
    expect(refused.ok).toBe(false);
    expect(await transitionRotation(deps, { rotationId: rotation.id, actorId: APPROVER, action: { type: 'approve' }, expectedVersion: rotation.version - 1 })).toEqual({
      ok: false,
      error: { code: 'STALE', status: 'requested' },
    });
    expect((await transitionRotation(deps, { rotationId: rotation.id, actorId: APPROVER, action: { type: 'approve' }, expectedVersion: rotation.version })).ok).toBe(true);
  });

  it('sends the meeting details to the handoff and the approvers, once each, only when a meeting was set', async () => {
    const scheduled = aRotationIn('meeting_scheduled', { id: 'ROT-222222' });
    await deps.store.insert(scheduled);
    await announceTransition(deps, scheduled, entry('approved', 'approved'));
    expect(detailsSentTo).toEqual([]);
    await announceTransition(deps, scheduled, entry('submitted', 'meeting_scheduled'));
    expect(detailsSentTo).toHaveLength(1);
    const expected = [...new Set([...handoffPeople(scheduled), APPROVER])];
    expect(detailsSentTo[0]).toEqual(expected);
    expect(expected).toContain(APPROVER);
    expect(expected.length).toBeGreaterThan(2);
  });

  it('a Slack failure while announcing is logged and the step stands', async () => {
    const scheduled = aRotationIn('meeting_scheduled', { id: 'ROT-222222' });
    await deps.store.insert(scheduled);
    notifier.sendMeetingDetails = () => Promise.reject(new Error('dm refused'));
    notifier.announceChange = () => Promise.reject(new Error('update refused'));
    await announceTransition(deps, scheduled, entry('submitted', 'meeting_scheduled'));
    expect(errors).toEqual([
      'ROT-222222: its message could not be updated after the change to meeting_scheduled: update refused',
      'ROT-222222: the meeting details could not be sent: dm refused',
    ]);
  });
});
