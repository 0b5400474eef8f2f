import type { types } from '@slack/bolt';
import type { ScheduledReminder } from '../../../../src/domain/ports';
import { reminderKey, type ReminderKind } from '../../../../src/domain/reminder-kinds';
import type { Rotation } from '../../../../src/domain/rotation';
import { buildAppHome, type AppHomeContext } from '../../../../src/slack/views/app-home';
import {
  REMINDER_FAILURES_MAX,
  REMINDER_FAILURES_MAX as HOME_FAILURES_MAX,
  type ReminderFailure,
} from '../../../../src/slack/views/reminder-schedule';
import { buildRotationMessage } from '../../../../src/slack/views/rotation-message';
import { buildRotationStatus } from '../../../../src/slack/views/status';
import type { RotationMessageContext } from '../../../../src/slack/views/types';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { aPlannedRotation, aRotation, aRotationIn } from '../../../../testkit/rotations';
import { allText, context, contextTexts, dateTimeToken, HOSTILE, idFor, sectionTexts, type SlackMessage } from './view-helpers';

const NEXT = { kind: 'submit_soon' as const, dueAt: '2026-03-03T09:00:00.000Z' };
const NEXT_LINE = `:alarm_clock: Next reminder: Submit soon ${dateTimeToken(NEXT.dueAt)}`;

const failure = (overrides: Partial<ReminderFailure> = {}): ReminderFailure => ({
  kind: 'approval_pending',
  dueAt: '2026-02-23T09:00:00.000Z',
  failure: 'channel_not_found',
  finishedAt: '2026-02-23T09:00:05.000Z',
  ...overrides,
});

const scheduled = (rotationId: string, kind: ReminderKind, dueAt: string, reason?: string): ScheduledReminder => ({
  rotationId,
  kind,
  dueAt,
  key: reminderKey(rotationId, kind, dueAt),
  state: 'failed',
  finishedAt: dueAt,
  ...(reason === undefined ? {} : { failure: reason }),
});

/** The digest as the schedule gives it: of no rotation, under a key the schedule made. */
const failedDigest = (dueAt: string, reason: string): ScheduledReminder => ({
  kind: 'weekly_digest',
  dueAt,
  key: `digest ${dueAt}`,
  state: 'failed',
  finishedAt: dueAt,
  failure: reason,
});

type Builder = (rotation: Rotation, ctx: RotationMessageContext) => SlackMessage;
const SURFACES: Array<[string, Builder]> = [
  ['the rotation message', buildRotationMessage],
  ['the status reply', (rotation, ctx) => buildRotationStatus(rotation, { ...ctx, showJoinLink: true })],
];

function render(builder: Builder, rotation: Rotation, overrides: Partial<RotationMessageContext>): SlackMessage {
  const message = builder(rotation, context(overrides));
  expectWithinBlockKitLimits('message', message);
  return message;
}

describe.each(SURFACES)('the reminder schedule on %s', (_name, builder) => {
  it('shows the next reminder as a context line, with its label and a date token', () => {
    const message = render(builder, aRotationIn('approved'), { nextReminder: NEXT });
    expect(contextTexts(message)).toContain(NEXT_LINE);
  });

  it('shows nothing about reminders when the context carries none', () => {
    const text = allText(render(builder, aRotationIn('approved'), {}));
    expect(text).not.toContain('Next reminder');
    expect(text).not.toContain('could not be delivered');
  });

  it('lists undelivered reminders as a warning: label, due date, Slack\'s reason and when it failed', () => {
    const message = render(builder, aRotation(), {
      reminderFailures: [failure(), failure({ kind: 'weekly_digest', failure: undefined, finishedAt: undefined })],
    });
    const warning = sectionTexts(message).find((t) => t.startsWith(':warning: *2 reminders could not be delivered*'));
    expect(warning?.split('\n')).toEqual([
      ':warning: *2 reminders could not be delivered*',
      `• Approval pending due ${dateTimeToken('2026-02-23T09:00:00.000Z')}: channel_not_found, failed ${dateTimeToken('2026-02-23T09:00:05.000Z')}`,
      `• Weekly digest due ${dateTimeToken('2026-02-23T09:00:00.000Z')}: no reason recorded`,
    ]);
  });

  it('shows at most five failures and counts the rest, escaping reasons and unknown kinds', () => {
    const failures = Array.from({ length: REMINDER_FAILURES_MAX + 3 }, (_, i) =>
      failure({ kind: i === 0 ? ('<!channel>' as ReminderKind) : 'submit_overdue', failure: `${HOSTILE} ${'x'.repeat(600)}` }),
    );
    const message = render(builder, aRotation(), { reminderFailures: failures, nextReminder: NEXT });
    const text = allText(message);
    expect(text.match(/^• .+ due <!date/gm)).toHaveLength(REMINDER_FAILURES_MAX);
    expect(text).toContain('…and 3 more');
    expect(text).toContain('Please hurry &lt;!channel&gt; &lt;https://evil|click&gt; &amp; &lt;@U123&gt;');
    expect(text).toContain('• &lt;!channel&gt; due');
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(JSON.stringify(message)).not.toContain('<@U123>');
    expect(text).not.toContain('x'.repeat(200));
  });
});

describe('the reminder schedule on the biggest rotation message', () => {
  it('stays within 50 blocks with the longest notes, every step, the failures and the next reminder', () => {
    const rotation = aRotationIn('completed', { notes: `${'<'.repeat(1999)}x`, rotationIntervalDays: 90 });
    const failures = Array.from({ length: 20 }, () => failure({ failure: '&'.repeat(500) }));
    const message = render(buildRotationMessage, { ...rotation, nextRotationId: 'ROT-NEXT22' }, { reminderFailures: failures, nextReminder: NEXT });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(contextTexts(message)).toContain(NEXT_LINE);
  });
});

describe('undelivered reminders on the App Home', () => {
  const NOW = new Date('2026-03-10T09:00:00Z');
  const homeContext = (overrides: Partial<AppHomeContext> = {}): AppHomeContext => ({
    ...context({ now: NOW }),
    leadBusinessDays: 10,
    viewerId: 'U0VIEWER',
    scope: 'all',
    ...overrides,
  });
  const home = (rotations: Rotation[], overrides: Partial<AppHomeContext> = {}): types.HomeView => {
    const view = buildAppHome(rotations, homeContext(overrides));
    expectWithinBlockKitLimits('home', view);
    return view;
  };
  const headers = (view: types.HomeView) => view.blocks.filter((b) => b.type === 'header').map((b) => (b as types.HeaderBlock).text.text);
  const TITLE = 'Reminders that could not be delivered';

  it('has no such section when nothing failed', () => {
    expect(headers(home([aRotation()]))).not.toContain(TITLE);
    expect(headers(home([aRotation()], { reminderFailures: [] }))).not.toContain(TITLE);
  });

  it('lists failed reminders from the schedule with the rotation id, label, due date and reason, right after the introduction', () => {
    const failures: ScheduledReminder[] = [
      scheduled('ROT-4F7K2Q', 'submit_overdue', '2026-03-09T09:00:00.000Z', 'is_archived'),
      failedDigest('2026-03-09T09:00:00.000Z', 'not_in_channel'),
      scheduled('ROT-4F7K2Q', 'approval_pending', '2026-03-06T09:00:00.000Z'),
    ];
    const view = home([aRotation()], { reminderFailures: failures });
    expect(headers(view).slice(0, 2)).toEqual(['WFI client secret rotation: all rotations', TITLE]);
    const i = view.blocks.findIndex((b) => b.type === 'header' && (b as types.HeaderBlock).text.text === TITLE);
    const due = dateTimeToken('2026-03-09T09:00:00.000Z');
    expect(((view.blocks[i + 1] as types.SectionBlock).text?.text ?? '').split('\n')).toEqual([
      `• :warning: \`ROT-4F7K2Q\` Submission overdue, due ${due}: is_archived, failed ${due}`,
      `• :warning: Weekly digest, due ${due}: not_in_channel, failed ${due}`,
      `• :warning: \`ROT-4F7K2Q\` Approval pending, due ${dateTimeToken('2026-03-06T09:00:00.000Z')}: no reason recorded, failed ${dateTimeToken('2026-03-06T09:00:00.000Z')}`,
    ]);
  });

  it('caps the list, escapes reasons, and stays within 100 blocks with every other part full', () => {
    const rotations: Rotation[] = [];
    let n = 0;
    for (const status of ['requested', 'approved', 'submitted', 'meeting_scheduled'] as const) {
      for (let i = 0; i < 15; i += 1) rotations.push(aRotationIn(status, { id: idFor(n++), instanceUrl: `https://i${n}.wfi.pega.com` }));
    }
    for (let i = 0; i < 15; i += 1) rotations.push(aPlannedRotation({}, idFor(n++)).planned);
    for (let i = 0; i < 8; i += 1) rotations.push(aRotationIn('completed', { id: idFor(n++) }));
    const failures = Array.from({ length: 40 }, (_, i) => scheduled(idFor(i), 'deadline_near', '2026-03-09T09:00:00.000Z', `${HOSTILE}${'&'.repeat(400)}`));
    const view = home(rotations, { reminderFailures: failures });
    const text = allText(view);
    expect(text.match(/^• :warning: /gm)).toHaveLength(HOME_FAILURES_MAX);
    expect(contextTexts(view)).toContain(`…and ${40 - HOME_FAILURES_MAX} more`);
    expect(JSON.stringify(view)).not.toContain('<!channel>');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });
});
