import type { RotationStore } from '../../src/domain/ports';
import type { Rotation } from '../../src/domain/rotation';
import { openStore } from '../../src/store/keyv-factory';
import { startTestBot, type TestBot } from '../support/bot-harness';
import { FakeSlack } from '../../testkit/fake-slack';
import { stepStates, viewSubmission } from '../../testkit/payloads';
import { aRotationIn, REQUESTER_ID } from '../../testkit/rotations';
import { postToBot } from '../../testkit/slack-request';

/*
 * A step that was stored is never reported as "nothing was saved": when what
 * follows it (planning the next cycle, here) fails, the person's form closes as
 * for any saved step, the thread says the next cycle is being planned, and the
 * scheduler's next tick plans it.
 */
describe('a completion whose next cycle cannot be planned at once, over HTTP', () => {
  const fake = new FakeSlack();
  const clock = { t: Date.parse('2026-03-02T10:00:00Z'), now: () => new Date(clock.t) };
  const MESSAGE = { channelId: 'C0ROTATIONS', ts: '1700000000.000100' };
  let inner: RotationStore;
  let plannedInsertsToFail = 1;
  let bot: TestBot;

  beforeAll(async () => {
    await fake.start();
    inner = openStore('memory://').rotations;
    // The store refuses the next cycle's insert once, as a store that blips right after the completion was written.
    const store = new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key === 'insert') {
          return async (rotation: Rotation) => {
            if (rotation.status === 'planned' && plannedInsertsToFail > 0) {
              plannedInsertsToFail -= 1;
              throw new Error('connection reset (test)');
            }
            return target.insert(rotation);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    bot = await startTestBot(fake, { storeUrl: 'memory://', store, clock, env: { WFI_SCHEDULER_INTERVAL_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  it('closes the form as saved, says the next cycle is being planned, and the next tick plans and shows it', async () => {
    const scheduled = { ...aRotationIn('meeting_scheduled', { rotationIntervalDays: 90 }), message: MESSAGE };
    await inner.insert(scheduled);
    await inner.setMessage(scheduled.id, MESSAGE);

    const answer = await postToBot(
      bot.port,
      viewSubmission('wfi_completion', stepStates.completion(['vault']), {
        user: REQUESTER_ID,
        privateMetadata: JSON.stringify({ rotationId: scheduled.id, version: scheduled.version }),
      }),
    );

    // A plain acknowledgement: the form closes, as for any saved step (no "nothing was saved" in it).
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    const [reply] = await fake.waitFor('chat.postMessage');
    expect(JSON.stringify(reply?.args)).toContain('The next cycle (due 90 days after today) is being planned');
    const completed = await inner.get(scheduled.id);
    expect(completed).toMatchObject({ status: 'completed', version: scheduled.version + 1 });
    expect(completed?.nextRotationId).toBeUndefined();
    expect(bot.logger.lines.join('\n')).toMatch(/is saved, but planning its reminders or next cycle failed; the scheduler completes it/);

    clock.t += 61_000;
    const updates = fake.callsTo('chat.update').length;
    await bot.runReminders();

    const linked = await inner.get(scheduled.id);
    expect(linked?.nextRotationId).toBeDefined();
    expect(await inner.get(linked?.nextRotationId as string)).toMatchObject({ status: 'planned', previousRotationId: scheduled.id });
    const refreshed = (await fake.waitFor('chat.update', updates + 1)).at(-1);
    expect(JSON.stringify(refreshed?.args.blocks)).toContain(`Next cycle planned* as \`${linked?.nextRotationId}\``);
  });
});
