import { saveNewRotation } from '../../src/services/request-rotation';
import { runDueReminders } from '../../src/services/reminders';
import { Scheduler, type SchedulerDeps } from '../../src/scheduler/scheduler';
import { transitionRotation } from '../../src/services/transition-rotation';
import { RecordingNotifier, type SentReminder } from '../support/recording-notifier';
import { tempStoreUrl } from '../support/bot-harness';

import { HOUR, REQUESTER, APPROVER, VirtualClock, servicesOn } from '../support/simulation';

const line = (s: SentReminder) => `${s.kind} ${s.dueAt || '-'} sent ${s.sentAt}`;

describe('reminders over a simulated 60-day life of a rotation', () => {
  const location = tempStoreUrl();
  afterAll(() => location.cleanup());

  it('sends the exact sequence, once each, across a restart and a 5-day outage', async () => {
    const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
    const notifier = new RecordingNotifier(clock);
    let deps = servicesOn(location.url, clock, notifier);
    // The real loop, with its timer out of the way: the test says when a tick happens.
    const schedulerOn = (d: SchedulerDeps) => new Scheduler(d, { intervalMs: 1e9 });
    let scheduler = schedulerOn(deps);
    await scheduler.start();
    await scheduler.tickNow();

    // Monday 2026-03-02: deadline Friday 2026-04-10 → submit-by Friday 2026-03-27.
    const rotation = await saveNewRotation(
      deps,
      { instanceUrl: 'https://acme.wfi.pega.com', environmentType: 'Production', deadline: '2026-04-10', channelId: 'C0CHANNEL1', attendeeIds: [REQUESTER] },
      REQUESTER,
    );
    const act = async (at: string, actorId: string, action: Parameters<typeof transitionRotation>[1]['action']) => {
      clock.set(at);
      const outcome = await transitionRotation(deps, { rotationId: rotation.id, actorId, action });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
    };
    const steps: Record<string, () => Promise<void>> = {
      '2026-03-04T11:00:00.000Z': () => act('2026-03-04T11:00:00Z', APPROVER, { type: 'approve' }),
      '2026-03-20T12:00:00.000Z': async () => {
        // A restart: the scheduler comes back on the same file with nothing in memory.
        await scheduler.stop();
        await deps.close();
        deps = servicesOn(location.url, clock, notifier);
        scheduler = schedulerOn(deps);
        await scheduler.start();
      },
      '2026-04-01T10:00:00.000Z': () =>
        act('2026-04-01T10:00:00Z', REQUESTER, { type: 'record_submission', caseNumber: 'CS-0123456', submittedOn: '2026-04-01' }),
      '2026-04-07T15:00:00.000Z': () =>
        act('2026-04-07T15:00:00Z', REQUESTER, {
          type: 'schedule_meeting',
          meeting: { platform: 'Webex', startsAt: '2026-04-09T14:00:00.000Z', timeZone: 'UTC', attendeeIds: [REQUESTER] },
        }),
      '2026-04-13T10:00:00.000Z': () => act('2026-04-13T10:00:00Z', REQUESTER, { type: 'complete', confirmations: ['vault'] }),
    };
    const outage = { from: Date.parse('2026-03-26T12:00:00Z'), until: Date.parse('2026-03-31T12:00:00Z') };

    // An hourly tick for 60 days, the steps taken between ticks, no ticks during the outage.
    for (let t = Date.parse('2026-03-02T11:00:00Z'); t <= Date.parse('2026-05-01T10:00:00Z'); t += HOUR) {
      clock.t = t;
      await steps[new Date(t).toISOString()]?.();
      clock.t = t;
      if (t > outage.from && t < outage.until) continue;
      await scheduler.tickNow();
    }
    await scheduler.stop();
    await deps.close();

    expect(notifier.sent.map(line)).toEqual([
      'approval_pending 2026-03-03T09:00:00.000Z sent 2026-03-03T09:00:00.000Z',
      'approval_pending 2026-03-04T09:00:00.000Z sent 2026-03-04T09:00:00.000Z',
      'weekly_digest - sent 2026-03-09T09:00:00.000Z',
      'weekly_digest - sent 2026-03-16T09:00:00.000Z',
      'weekly_digest - sent 2026-03-23T09:00:00.000Z',
      // 3 business days before submit-by.
      'submit_soon 2026-03-24T09:00:00.000Z sent 2026-03-24T09:00:00.000Z',
      // The outage ends on 03-31 at noon: what fell due is sent once, of a repeating kind only the latest.
      'submit_due 2026-03-27T09:00:00.000Z sent 2026-03-31T12:00:00.000Z',
      'weekly_digest - sent 2026-03-31T12:00:00.000Z',
      'submit_overdue 2026-03-31T09:00:00.000Z sent 2026-03-31T12:00:00.000Z',
      'submit_overdue 2026-04-01T09:00:00.000Z sent 2026-04-01T09:00:00.000Z',
      // Submitted 04-01: 3 business days later, no meeting yet.
      'weekly_digest - sent 2026-04-06T09:00:00.000Z',
      'no_meeting_yet 2026-04-06T09:00:00.000Z sent 2026-04-06T09:00:00.000Z',
      // Meeting set on 04-07 for 04-09 14:00: no_meeting_yet of 04-08 is dropped.
      'deadline_near 2026-04-08T09:00:00.000Z sent 2026-04-08T09:00:00.000Z',
      'meeting_tomorrow 2026-04-08T14:00:00.000Z sent 2026-04-08T14:00:00.000Z',
      'meeting_in_one_hour 2026-04-09T13:00:00.000Z sent 2026-04-09T13:00:00.000Z',
      'confirm_receipt 2026-04-10T09:00:00.000Z sent 2026-04-10T09:00:00.000Z',
      'deadline_near 2026-04-10T09:00:00.000Z sent 2026-04-10T09:00:00.000Z',
      'weekly_digest - sent 2026-04-13T09:00:00.000Z',
      'confirm_receipt 2026-04-13T09:00:00.000Z sent 2026-04-13T09:00:00.000Z',
      // Completed 04-13 10:00: nothing open is left, so later digests have nothing to say.
    ]);
  });
});

describe('two schedulers on one SQLite store', () => {
  const location = tempStoreUrl();
  afterAll(() => location.cleanup());

  it('send each reminder exactly once over a simulated month, as one scheduler alone would', async () => {
    const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
    const notifiers = [new RecordingNotifier(clock), new RecordingNotifier(clock)];
    // Two connections to the same file, as two processes would have.
    const replicas = notifiers.map((n) => servicesOn(location.url, clock, n));
    const reference = { notifier: new RecordingNotifier(clock), url: tempStoreUrl() };
    const alone = servicesOn(reference.url.url, clock, reference.notifier);

    const deadlines = ['2026-03-20', '2026-03-27', '2026-04-03', '2026-04-10', '2026-03-16'];
    for (const deps of [replicas[0] as SchedulerDeps, alone]) {
      for (const deadline of deadlines) {
        await saveNewRotation(
          deps,
          { instanceUrl: 'https://acme.wfi.pega.com', environmentType: 'Production', deadline, channelId: 'C0CHANNEL1', attendeeIds: [REQUESTER] },
          REQUESTER,
        );
      }
    }

    for (let t = Date.parse('2026-03-02T11:00:00Z'); t <= Date.parse('2026-04-01T10:00:00Z'); t += HOUR) {
      clock.t = t;
      await Promise.all([...replicas.map((deps) => runDueReminders(deps)), runDueReminders(alone)]);
    }
    await Promise.all([...replicas, alone].map((deps) => deps.close()));
    reference.url.cleanup();

    const together = notifiers.flatMap((n) => n.sent).map((s) => `${s.kind} ${s.dueAt || s.sentAt}`).sort();
    const single = reference.notifier.sent.map((s) => `${s.kind} ${s.dueAt || s.sentAt}`).sort();
    // Ids differ between the two stores; kinds and times must not.
    expect(together).toEqual(single);
    const sentKeys = notifiers.flatMap((n) => n.sent).map((s) => `${s.rotationId} ${s.kind} ${s.dueAt}`);
    expect(new Set(sentKeys).size).toBe(sentKeys.length);
    expect(together.length).toBeGreaterThan(40);
    // Both replicas did part of the work.
    expect(notifiers.every((n) => n.sent.length > 0)).toBe(true);
  });
});


describe('a tick after a long outage', () => {
  it('sends everything that fell due, however many, not a hundred per interval', async () => {
    const clock = new VirtualClock(Date.parse('2026-03-02T10:00:00Z'));
    const notifier = new RecordingNotifier(clock);
    // Ids drawn at random: the harness's counting draw repeats itself within a few hundred.
    const deps = { ...servicesOn('memory://', clock, notifier), randomIndex: (max: number) => Math.floor(Math.random() * max) };
    for (let i = 0; i < 260; i += 1) {
      await saveNewRotation(
        deps,
        { instanceUrl: 'https://acme.wfi.pega.com', environmentType: 'Production', deadline: '2026-04-30', channelId: 'C0CHANNEL1', attendeeIds: [REQUESTER] },
        REQUESTER,
      );
    }
    // Down from Monday until Wednesday noon: each rotation owes its latest approval reminder.
    clock.set('2026-03-04T12:00:00Z');
    const result = await runDueReminders(deps);
    expect(notifier.sent.filter((s) => s.kind === 'approval_pending')).toHaveLength(260);
    expect(result.sent.length).toBeGreaterThanOrEqual(260);
    await deps.close();
  });
});
