import { reportedExposure, startedCycle } from '../../../support/changes';
import type { types } from '@slack/bolt';
import { renderPreview } from '../../../../src/cli/preview';
import { decide, type RotationAction } from '../../../../src/domain/lifecycle';
import { REMINDER_KINDS, type ReminderKind } from '../../../../src/domain/reminder-kinds';
import type { AuditEntry, LeadTimePolicy, Rotation, RotationIn } from '../../../../src/domain/rotation';
import { rotationsToCsv } from '../../../../src/services/export-rotations';
import { buildAppHome } from '../../../../src/slack/views/app-home';
import { buildDigest } from '../../../../src/slack/views/digest';
import { buildMeetingDetails } from '../../../../src/slack/views/meeting-details';
import { buildReminderMessage, type ReminderDelivery } from '../../../../src/slack/views/reminder-message';
import { buildStartPlannedModal } from '../../../../src/slack/views/request-modal';
import { buildRotationList } from '../../../../src/slack/views/rotation-list';
import { buildRotationMessage } from '../../../../src/slack/views/rotation-message';
import { buildRotationStatus } from '../../../../src/slack/views/status';
import { buildChangeReply } from '../../../../src/slack/views/thread-reply';
import type { RotationMessageContext } from '../../../../src/slack/views/types';
import { aPlannedRotation, aRequest, aRotation, aRotationIn, APPROVER_ID, REQUESTER_ID, TEST_NOW } from '../../../../testkit/rotations';
import { dateTokens, daysSeen, renderDateTokens, shiftDay, shownTexts } from '../../../support/slack-render';
import { context, epoch, idFor } from './view-helpers';

/*
 * A calendar date (deadline, submit-by, submitted-on, today, a planned cycle's
 * dates) is a day in WFI_TIMEZONE and must read as that day for everyone.
 * Slack renders a date token in each reader's own zone, which is what once
 * showed the deadline a day late in Auckland and a day early in Hawaii. So
 * every surface is rendered here the way Slack renders it for readers in
 * every whole-hour zone, and each calendar date must be there, unshifted.
 */

// ---------------------------------------------------------------------------
// The emulator itself: pinned to Slack's documented examples, so the checks
// below stand on a rendering that is known to be right.

describe("Slack's rendering of date tokens, emulated for one reader", () => {
  // Slack's own example: 1392734382 is 2014-02-18 06:39:42 in Los Angeles (PST).
  const DOCUMENTED = 1392734382;
  const render = (format: string, reader: Parameters<typeof renderDateTokens>[1] = { timeZone: 'America/Los_Angeles' }) =>
    renderDateTokens(`<!date^${DOCUMENTED}^${format}|fallback>`, reader).text;

  it('renders each supported format part in the reader zone, as Slack documents it', () => {
    expect(render('Posted {date_num} {time_secs}')).toBe('Posted 2014-02-18 6:39:42 AM');
    expect(render('{date}')).toBe('February 18th, 2014');
    expect(render('{date_short}')).toBe('Feb 18, 2014');
    expect(render('{date_long}')).toBe('Tuesday, February 18th, 2014');
    expect(render('{time}')).toBe('6:39 AM');
    expect(render('{time}', { timeZone: 'America/Los_Angeles', clock: '24h' })).toBe('06:39');
    expect(render('{date_short} {time}', { timeZone: 'Asia/Tokyo' })).toBe('Feb 18, 2014 11:39 PM');
  });

  it('says today, yesterday or tomorrow in the pretty formats, counted in the reader zone', () => {
    const reader = (now: string) => ({ timeZone: 'America/Los_Angeles', now: new Date(now) });
    expect(render('{date_long_pretty}', reader('2014-02-18T20:00:00Z'))).toBe('today');
    expect(render('{date_short_pretty} {time}', reader('2014-02-19T20:00:00Z'))).toBe('yesterday 6:39 AM');
    expect(render('{date_pretty}', reader('2014-02-17T20:00:00Z'))).toBe('tomorrow');
    expect(render('{date_long_pretty}', reader('2014-02-21T20:00:00Z'))).toBe('Tuesday, February 18th, 2014');
    // 07:00 UTC on the 19th is still the 18th in Los Angeles; an hour later it is the 19th there.
    expect(render('{date_pretty}', reader('2014-02-19T07:00:00Z'))).toBe('today');
    expect(render('{date_pretty}', reader('2014-02-19T08:00:00Z'))).toBe('yesterday');
  });

  it('renders the link form as a link, and reports each token with the day it falls on for the reader', () => {
    const { text, tokens } = renderDateTokens(`Due <!date^${DOCUMENTED}^{date_short}^https://example.com/x|Feb 18> now`, { timeZone: 'UTC' });
    expect(text).toBe('Due <https://example.com/x|Feb 18, 2014> now');
    expect(tokens).toEqual([
      expect.objectContaining({ epochSeconds: DOCUMENTED, link: 'https://example.com/x', fallback: 'Feb 18', localDate: '2014-02-18', showsTime: false }),
    ]);
  });

  it('moves the day with the reader: noon in Amsterdam is the next day at UTC+14 and the day before at UTC−12', () => {
    const noonAmsterdam = epoch('2026-03-20T11:00:00Z');
    const day = (timeZone: string) => renderDateTokens(`<!date^${noonAmsterdam}^{date_long_pretty}|2026-03-20>`, { timeZone }).tokens[0]?.localDate;
    // Etc/ zones count the other way round: Etc/GMT-14 is UTC+14.
    expect(day('Etc/GMT-14')).toBe('2026-03-21');
    expect(day('Pacific/Auckland')).toBe('2026-03-21');
    expect(day('Europe/Amsterdam')).toBe('2026-03-20');
    expect(day('Pacific/Pago_Pago')).toBe('2026-03-20');
    expect(day('Etc/GMT+12')).toBe('2026-03-19');
  });

  it('refuses a format part or a token it does not know, rather than passing it as text', () => {
    expect(() => render('{ago}')).toThrow('{ago} is not emulated');
    expect(() => renderDateTokens('<!date^abc^{date}|x>', { timeZone: 'UTC' })).toThrow('malformed');
  });

  it('counts as days the written dates and the day-only tokens, not the instants', () => {
    const noon = epoch('2026-03-20T11:00:00Z');
    const { days } = daysSeen(
      [
        'Deadline Fri 20 Mar 2026, submit by Thu 5 Mar 2026',
        'deadline,2026-05-25,submit_by=2026-05-11',
        // Instants, whatever zone they are written in: not calendar dates.
        'due Fri 6 Mar 2026 09:00 · 2026-03-24 15:00 Europe/Berlin · 2026-02-20T10:00:00.000Z',
        `<!date^${noon}^{date_long_pretty}|2026-03-20> and <!date^${noon}^{date_short_pretty} {time}|2026-03-20 11:00>`,
        'Sat 20 Mar 2026',
      ],
      { timeZone: 'Pacific/Kiritimati' },
    );
    expect(days).toEqual(['2026-03-20', '2026-03-05', '2026-05-25', '2026-05-11', '2026-03-21', '2026-03-20 (written as Sat 20 Mar 2026)']);
  });
});

// ---------------------------------------------------------------------------
// The readers: every whole-hour zone from UTC−12 to UTC+14, and a few real ones.

const wholeHourReaders: Array<[string, string]> = Array.from({ length: 27 }, (_, i) => i - 12).map((offset) => {
  // Etc/ zones carry the POSIX sign, the opposite of the usual one: Etc/GMT+12 is UTC−12.
  const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset < 0 ? '+' : '-'}${Math.abs(offset)}`;
  return [`${zone} (UTC${offset < 0 ? '−' : '+'}${Math.abs(offset)})`, zone];
});
const READERS: Array<[string, string]> = [
  ...wholeHourReaders,
  ...['Pacific/Auckland', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Pacific/Honolulu', 'Asia/Tokyo', 'America/Los_Angeles'].map(
    (zone): [string, string] => [zone, zone],
  ),
];

/** WFI_TIMEZONE: UTC, and zones far from it on either side, one of them off the whole hour. */
const POLICY_ZONES = ['UTC', 'Europe/Amsterdam', 'Asia/Kolkata', 'Pacific/Auckland'];

// ---------------------------------------------------------------------------
// The rotations, and every surface that shows one of their calendar dates.

/** The scenario's "now": 10:00 UTC on Friday 2026-02-20, which is the 20th in every policy zone above. */
const NOW = TEST_NOW;
/** When the late request is made: after its submit-by date. */
const LATE_NOW = new Date('2026-03-10T10:00:00Z');
/** When the planned next cycle is started: before its submit-by date. */
const START_NOW = new Date('2026-05-01T10:00:00Z');
const RESCHEDULED_START = '2026-03-26T08:00:00.000Z';
/** The reminder and schedule instants a context carries; shown as tokens. */
const OCCURRENCE_DUE = '2026-02-20T08:00:00.000Z';
const NEXT_REMINDER_DUE = '2026-02-23T08:00:00.000Z';
const FAILED_DUE = '2026-02-19T08:00:00.000Z';
const FAILED_AT = '2026-02-19T08:00:05.000Z';

interface Surface {
  name: string;
  /** What it shows, as Slack (or the reader of the file) gets it: tokens still in. */
  texts: string[];
  /** The calendar dates it shows, by what they are. */
  dates: Record<string, string>;
  /** Instants it shows, each of which must be a token of exactly that instant. */
  instants: string[];
  /** Slack surfaces show instants as tokens; a CSV or the preview has no business with a token. */
  tokensAllowed: boolean;
}

/** The policy zone's date on an instant, worked out with Intl rather than with the code under test. */
const dayIn = (timeZone: string, at: Date): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Every instant a rotation holds (created, each step and audit entry, the meeting), wherever it sits. */
function instantsOf(value: unknown): string[] {
  if (typeof value === 'string') return ISO_INSTANT.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(instantsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(instantsOf);
  return [];
}

const last = (rotation: Rotation): AuditEntry => rotation.history.at(-1) as AuditEntry;

function act(rotation: Rotation, action: RotationAction, userId: string, now: Date) {
  const result = decide(rotation, action, { actor: { userId, isApprover: userId === APPROVER_ID }, now, allowSelfApproval: false });
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.rotation;
}

function scenario(timeZone: string) {
  // One holiday between submit-by and the deadline, so the lead time is counted as the bot counts it.
  const policy: LeadTimePolicy = { calendar: { timeZone, holidays: new Set(['2026-03-16']) }, leadBusinessDays: 10 };
  const ids = (i: number) => ({ policy, id: idFor(i) });
  const requested = aRotation(ids(1));
  const late = aRotation({ ...ids(2), now: LATE_NOW });
  const approved = aRotationIn('approved', ids(3));
  const rejected = aRotationIn('rejected', ids(4));
  const submitted = aRotationIn('submitted', ids(5));
  const meeting = aRotationIn('meeting_scheduled', ids(6));
  const rescheduled = act(
    meeting,
    { type: 'schedule_meeting', meeting: { ...meeting.meeting, startsAt: RESCHEDULED_START } },
    REQUESTER_ID,
    new Date('2026-02-25T10:00:00Z'),
  ) as RotationIn<'meeting_scheduled'>;
  const cancelled = aRotationIn('cancelled', ids(7));
  const { planned, completed } = aPlannedRotation(ids(8), idFor(9));
  const start = startedCycle(
    planned,
    aRequest({ instanceUrl: planned.instanceUrl, deadline: planned.deadline, channelId: planned.channelId, attendeeIds: planned.attendeeIds }),
    { actor: { userId: REQUESTER_ID, isApprover: false }, now: START_NOW, policy },
  );
  if (!start.ok) throw new Error('the planned cycle could not be started');
  const started = start.rotation;
  const exposed = reportedExposure(submitted, { posterId: 'U0ATTENDEE', channelId: 'C0ROTATIONS', messageTs: '1771581600.000100', now: new Date('2026-02-22T12:00:00Z') });
  if (!exposed) throw new Error('the exposure was not recorded');

  const today = dayIn(timeZone, NOW);
  const main = { deadline: requested.deadline, 'submit-by': requested.submitBy };
  const withSubmission = { ...main, 'submitted on': submitted.submission.submittedOn };
  const nextCycle = { "next cycle's deadline": planned.deadline, "next cycle's submit-by": planned.submitBy };

  const ctx: RotationMessageContext = context({
    now: NOW,
    policy,
    nextReminder: { kind: 'submit_soon', dueAt: NEXT_REMINDER_DUE },
    reminderFailures: [{ kind: 'approval_pending', dueAt: FAILED_DUE, failure: 'channel_not_found', finishedAt: FAILED_AT }],
  });
  const contextInstants = [NEXT_REMINDER_DUE, FAILED_DUE, FAILED_AT];
  const meetingStart = (r: Rotation): string[] => ('meeting' in r && r.meeting ? [r.meeting.startsAt] : []);
  const datesOf = (r: Rotation) => (r.status === 'planned' || r.previousRotationId ? nextCycle : 'submission' in r && r.submission ? withSubmission : main);

  const everyState: Array<[string, Rotation]> = [
    ['requested', requested],
    ['requested after its submit-by date', late],
    ['approved', approved],
    ['rejected', rejected],
    ['submitted', submitted],
    ['meeting scheduled', meeting],
    ['meeting rescheduled', rescheduled],
    ['completed, next cycle planned', completed],
    ['cancelled', cancelled],
    ['planned next cycle', planned],
    ['planned next cycle, started', started],
  ];
  const contextFor = (r: Rotation): RotationMessageContext => (r === late ? { ...ctx, now: LATE_NOW } : ctx);

  const messages: Surface[] = everyState.map(([state, r]) => ({
    name: `rotation message, ${state}`,
    texts: shownTexts(buildRotationMessage(r, contextFor(r))),
    dates: datesOf(r),
    instants: [last(r).at, ...meetingStart(r), ...contextInstants],
    tokensAllowed: true,
  }));

  const replies: Surface[] = (
    [
      ['requested', requested, last(requested), {}],
      ['approved', approved, last(approved), { 'submit-by': approved.submitBy }],
      ['rejected', rejected, last(rejected), {}],
      ['submitted', submitted, last(submitted), { 'submitted on': submitted.submission.submittedOn }],
      ['meeting scheduled', meeting, last(meeting), {}],
      ['meeting rescheduled', rescheduled, last(rescheduled), {}],
      ['completed', completed, last(completed), {}],
      ['cancelled', cancelled, last(cancelled), {}],
      ['next cycle planned', planned, last(planned), {}],
      ['next cycle started', started, last(started), {}],
      ['a message that looked like the secret', exposed, last(exposed), {}],
    ] as Array<[string, Rotation, AuditEntry, Record<string, string>]>
  ).map(([change, r, entry, dates]) => ({
    name: `thread reply, ${change}`,
    texts: shownTexts(buildChangeReply(r, entry, ctx)),
    dates,
    instants: entry.to === 'meeting_scheduled' && !entry.event ? meetingStart(r) : [],
    tokensAllowed: true,
  }));

  const remindedRotation: Record<ReminderKind, Rotation> = {
    approval_pending: requested,
    submit_soon: approved,
    submit_due: approved,
    submit_overdue: approved,
    no_meeting_yet: submitted,
    meeting_tomorrow: meeting,
    meeting_in_one_hour: meeting,
    confirm_receipt: meeting,
    deadline_near: submitted,
    next_cycle: planned,
  };
  const reminderContext = { ...ctx, approverMentions: [`<@${APPROVER_ID}>`] };
  const reminders: Surface[] = REMINDER_KINDS.flatMap((kind) =>
    (['thread', 'direct'] as ReminderDelivery[]).map((delivery): Surface => {
      const r = remindedRotation[kind];
      return {
        name: `reminder ${kind}, ${delivery}`,
        // Due two hours before now: the reminder says it fell due while the bot was away, with that instant.
        texts: shownTexts(buildReminderMessage(r, { kind, dueAt: OCCURRENCE_DUE }, reminderContext, delivery)),
        // Every reminder names the deadline and submit-by; only the chase for a meeting names the submission date.
        dates: r === planned ? nextCycle : kind === 'no_meeting_yet' ? withSubmission : main,
        instants: [OCCURRENCE_DUE, ...meetingStart(r), ...(kind === 'approval_pending' ? [r.createdAt] : [])],
        tokensAllowed: true,
      };
    }),
  );

  const open = [requested, approved, submitted, meeting];
  const home = buildAppHome([...open, completed, planned], {
    ...ctx,
    leadBusinessDays: policy.leadBusinessDays,
    viewerId: REQUESTER_ID,
    scope: 'all',
    reminderFailures: [{ rotationId: requested.id, kind: 'approval_pending', dueAt: FAILED_DUE, failure: 'channel_not_found', finishedAt: FAILED_AT }],
  });

  const statuses: Surface[] = everyState.map(([state, r]) => ({
    name: `status, ${state}`,
    texts: shownTexts(buildRotationStatus(r, { ...contextFor(r), showJoinLink: true })),
    // The history repeats the dates each change recorded: deadline and submit-by when requested, the submission date.
    dates: datesOf(r),
    instants: [...r.history.map((e) => e.at), ...r.history.flatMap((e) => (e.details?.startsAt ? [e.details.startsAt] : [])), ...contextInstants],
    tokensAllowed: true,
  }));

  const surfaces: Surface[] = [
    ...messages,
    ...replies,
    ...reminders,
    {
      name: 'weekly digest',
      texts: shownTexts(buildDigest([...open, planned], ctx)),
      dates: { today, ...main, ...nextCycle },
      instants: [],
      tokensAllowed: true,
    },
    {
      name: 'App Home',
      texts: shownTexts(home),
      dates: { ...main, ...nextCycle },
      instants: [meeting.meeting.startsAt, completed.completion.at, FAILED_DUE, FAILED_AT],
      tokensAllowed: true,
    },
    ...statuses,
    { name: 'list', texts: shownTexts(buildRotationList(open, { ...ctx, scope: 'all' })), dates: main, instants: [], tokensAllowed: true },
    { name: 'meeting details, set', texts: shownTexts(buildMeetingDetails(meeting)), dates: {}, instants: [meeting.meeting.startsAt], tokensAllowed: true },
    { name: 'meeting details, moved', texts: shownTexts(buildMeetingDetails(rescheduled)), dates: {}, instants: [RESCHEDULED_START], tokensAllowed: true },
    {
      name: 'start form of the planned cycle',
      texts: shownTexts(buildStartPlannedModal(planned)),
      dates: { "next cycle's deadline": planned.deadline },
      instants: [],
      tokensAllowed: false,
    },
    {
      name: 'CSV export',
      texts: [rotationsToCsv([requested, late, approved, rejected, submitted, rescheduled, completed, cancelled, started])],
      dates: { ...withSubmission, ...nextCycle },
      instants: [],
      tokensAllowed: false,
    },
    {
      name: 'offline preview',
      texts: [renderPreview({ instanceUrl: requested.instanceUrl, environmentType: 'Production', deadline: requested.deadline, today, policy, reminderHour: 9 })],
      dates: { today, ...main },
      instants: [],
      tokensAllowed: false,
    },
  ];

  const allRotations = [requested, late, approved, rejected, submitted, meeting, rescheduled, completed, cancelled, planned, started, exposed];
  return {
    planned,
    surfaces,
    /** Every calendar date of the scenario: no surface shows any other day. */
    knownDates: new Set([today, ...Object.values(withSubmission), ...Object.values(nextCycle)]),
    storedInstants: new Set([...instantsOf(allRotations), OCCURRENCE_DUE, ...contextInstants].map(epoch)),
  };
}

// ---------------------------------------------------------------------------

/**
 * For each calendar date: whether the reader sees it, and which of its
 * neighbours the reader sees (a date moved by a day shows as one); then any
 * day shown that is no date of the scenario at all.
 */
function whatTheReaderSees(seen: ReadonlySet<string>, dates: Record<string, string>, known: ReadonlySet<string>) {
  const report: Record<string, unknown> = {};
  for (const [what, date] of Object.entries(dates)) {
    report[`${what} ${date}`] = { shown: seen.has(date), neighboursShown: [shiftDay(date, -1), shiftDay(date, 1)].filter((d) => seen.has(d)) };
  }
  report['days shown that are no date of the rotations'] = [...seen].filter((d) => !known.has(d)).sort();
  return report;
}

function asIntended(dates: Record<string, string>) {
  const report: Record<string, unknown> = {};
  for (const [what, date] of Object.entries(dates)) report[`${what} ${date}`] = { shown: true, neighboursShown: [] };
  report['days shown that are no date of the rotations'] = [];
  return report;
}

describe.each(POLICY_ZONES)('WFI_TIMEZONE %s', (policyZone) => {
  const { surfaces, knownDates, storedInstants, planned } = scenario(policyZone);

  it('has calendar dates at least two days apart, so a neighbour of one is never another', () => {
    const dates = [...knownDates].sort();
    expect(dates.length).toBe(6);
    const tooClose = dates.flatMap((a, i) => dates.slice(i + 1).filter((b) => b <= shiftDay(a, 1)).map((b) => `${a} ${b}`));
    expect(tooClose).toEqual([]);
  });

  it("preselects the planned cycle's deadline in its start form as the ISO date, which the date picker shows as is", () => {
    const view = buildStartPlannedModal(planned);
    const pickers = (view.blocks as types.InputBlock[]).filter((b) => b.type === 'input' && b.element.type === 'datepicker');
    expect(pickers.map((b) => (b.element as types.Datepicker).initial_date)).toEqual([planned.deadline]);
  });

  describe.each(surfaces.map((s): [string, Surface] => [s.name, s]))('%s', (_name, surface) => {
    it('shows instants as tokens of the stored instant with its time of day, and nothing else as a token', () => {
      const tokens = dateTokens(surface.texts);
      const shownEpochs = new Set(tokens.map((t) => t.epochSeconds));
      expect({
        'tokens that are not a stored instant with its time': tokens
          .filter((t) => !surface.tokensAllowed || !t.showsTime || !storedInstants.has(t.epochSeconds))
          .map((t) => t.source),
        'instants not shown as their token': surface.instants.filter((iso) => !shownEpochs.has(epoch(iso))),
      }).toEqual({ 'tokens that are not a stored instant with its time': [], 'instants not shown as their token': [] });
    });

    it.each(READERS)('a reader in %s sees each calendar date as that same date', (_reader, readerZone) => {
      const seen = new Set(daysSeen(surface.texts, { timeZone: readerZone, now: NOW }).days);
      expect(whatTheReaderSees(seen, surface.dates, knownDates)).toEqual(asIntended(surface.dates));
    });
  });
});
