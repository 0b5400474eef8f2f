import type { ServiceDeps } from '../../../src/services/lifecycle-deps';
import { runDueReminders, scheduleDigest } from '../../../src/services/reminders';
import { RecordingNotifier } from '../../support/recording-notifier';
import { servicesOn, VirtualClock } from '../../support/simulation';
import { aPlannedRotation, aRotationIn } from '../../../testkit/rotations';

/** The weekly digest's outcome: one post per channel with open rotations; what the tick records of it. */
describe('the weekly digest', () => {
  // Monday 2026-03-09 09:00Z is a digest time (digestDay 1, reminderHour 9, UTC).
  const clock = new VirtualClock(Date.parse('2026-03-06T10:00:00Z'));
  let deps: ServiceDeps & { close(): Promise<void> };
  let posts: Array<{ channelId: string; ids: string[] }>;
  let notifier: RecordingNotifier;

  beforeEach(async () => {
    clock.set('2026-03-06T10:00:00Z');
    notifier = new RecordingNotifier(clock);
    posts = [];
    notifier.sendDigest = async (channelId, rotations) => {
      if (channelId === 'C0BROKEN') throw new Error('channel_not_found');
      posts.push({ channelId, ids: rotations.map((r) => r.id).sort() });
    };
    deps = servicesOn('memory://', clock, notifier);
    await scheduleDigest(deps, clock.now());
    clock.set('2026-03-09T09:00:00Z');
  });
  afterEach(() => deps.close());

  const digestOutcome = async () => {
    const result = await runDueReminders(deps);
    const state = (['sent', 'dropped', 'failed'] as const).filter((s) => result[s].some((key) => key.includes('digest')));
    return { result, state };
  };

  it('with no open rotation, nothing is posted and the digest is dropped', async () => {
    await deps.store.insert(aRotationIn('completed', { id: 'ROT-222222' }));
    expect((await digestOutcome()).state).toEqual(['dropped']);
    expect(posts).toEqual([]);
  });

  it('groups the open rotations and planned cycles by channel, one post each, and records the digest as sent', async () => {
    await deps.store.insert(aRotationIn('approved', { id: 'ROT-222222', channelId: 'C0ONE' }));
    await deps.store.insert(aRotationIn('submitted', { id: 'ROT-222223', channelId: 'C0ONE' }));
    await deps.store.insert(aRotationIn('requested', { id: 'ROT-222224', channelId: 'C0TWO' }));
    await deps.store.insert(aRotationIn('cancelled', { id: 'ROT-222225', channelId: 'C0TWO' }));
    await deps.store.insert(aPlannedRotation({ id: 'ROT-222226', channelId: 'C0TWO' }).planned);
    expect((await digestOutcome()).state).toEqual(['sent']);
    expect(posts).toEqual([
      { channelId: 'C0ONE', ids: ['ROT-222222', 'ROT-222223'] },
      { channelId: 'C0TWO', ids: ['ROT-222224', 'ROT-NEXT22'] },
    ]);
  });

  it('a channel that refuses the post fails the digest with its reason, the other channels still get theirs', async () => {
    await deps.store.insert(aRotationIn('approved', { id: 'ROT-222222', channelId: 'C0BROKEN' }));
    await deps.store.insert(aRotationIn('approved', { id: 'ROT-222223', channelId: 'C0ONE' }));
    expect((await digestOutcome()).state).toEqual(['failed']);
    expect(posts).toEqual([{ channelId: 'C0ONE', ids: ['ROT-222223'] }]);
    const [failure] = await deps.reminders.failures(undefined, 10);
    expect(failure).toMatchObject({ kind: 'weekly_digest', state: 'failed', failure: 'C0BROKEN: channel_not_found' });
  });
});
