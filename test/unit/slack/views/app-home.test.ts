import type { types } from '@slack/bolt';
import type { Rotation } from '../../../../src/domain/rotation';
import { ACTIONS, COMMAND } from '../../../../src/slack/ids';
import { buildAppHome, HOME_GROUP_MAX, HOME_PLANNED_MAX, HOME_RECENT_MAX, type AppHomeContext } from '../../../../src/slack/views/app-home';
import { STATUS_LABELS } from '../../../../src/slack/views/labels';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { aPlannedRotation, aRotation, aRotationIn, REQUESTER_ID } from '../../../../testkit/rotations';
import { accessories, allText, buttons, context, contextTexts, plainDate, idFor, sectionTexts } from './view-helpers';

const NOW = new Date('2026-03-10T09:00:00Z');
const homeContext = (overrides: Partial<AppHomeContext> = {}): AppHomeContext => ({
  ...context({ now: NOW }),
  leadBusinessDays: 10,
  viewerId: 'U0VIEWER',
  scope: 'all',
  ...overrides,
});

function home(rotations: Rotation[], overrides: Partial<AppHomeContext> = {}): types.HomeView {
  const view = buildAppHome(rotations, homeContext(overrides));
  expectWithinBlockKitLimits('home', view);
  return view;
}

const headers = (view: types.HomeView): string[] =>
  view.blocks.filter((b) => b.type === 'header').map((b) => (b as types.HeaderBlock).text.text);

/** The ids of the rotation sections, in order. */
const shownIds = (view: types.HomeView): string[] =>
  sectionTexts(view)
    .map((t) => /^\*`(ROT-\w+)`\*/.exec(t)?.[1])
    .filter((id): id is string => id !== undefined);

/** The text of the block right after the header named `title`. */
function sectionAfter(view: types.HomeView, title: string): string {
  const i = view.blocks.findIndex((b) => b.type === 'header' && (b as types.HeaderBlock).text.text === title);
  return ((view.blocks[i + 1] as types.SectionBlock | undefined)?.text?.text ?? '') as string;
}

describe('buildAppHome', () => {
  it('always has the header, the New rotation request button and every part, each saying when it is empty', () => {
    const view = home([]);
    expect(view.type).toBe('home');
    expect(headers(view)).toEqual(['WFI client secret rotation: all rotations', 'Open rotations', 'Next due per instance', 'Planned next cycles', 'Recently completed']);
    expect(buttons(view)).toEqual([
      { type: 'button', action_id: ACTIONS.newRequest, style: 'primary', text: { type: 'plain_text', text: 'New rotation request' }, value: 'new' },
    ]);
    expect(sectionAfter(view, 'Open rotations')).toContain('No open rotations');
    expect(sectionAfter(view, 'Next due per instance')).toContain('Nothing is due');
    expect(sectionAfter(view, 'Planned next cycles')).toContain('No next cycles planned');
    expect(sectionAfter(view, 'Recently completed')).toContain('No rotation completed yet');
    expect(allText(view)).toContain(`\`${COMMAND} list\``);
    expect(allText(view)).toContain('at least 10 business days before the policy deadline');
  });

  it('groups open rotations by state in lifecycle order, each with its next step as a button', () => {
    const rotations: Rotation[] = [
      aRotationIn('meeting_scheduled', { id: 'ROT-MMMMMM' }),
      aRotationIn('submitted', { id: 'ROT-SSSSSS' }),
      aRotationIn('approved', { id: 'ROT-AAAAAA' }),
      aRotation({ id: 'ROT-RRRRRR' }),
      aRotationIn('completed', { id: 'ROT-CCCCCC' }),
      aRotationIn('rejected', { id: 'ROT-XXXXXX' }),
      aRotationIn('cancelled', { id: 'ROT-ZZZZZZ' }),
    ];
    const view = home(rotations);
    const texts = sectionTexts(view);
    const groupTitles = texts.filter((t) => /^\*[^`].*\* \(\d+\)$/.test(t));
    expect(groupTitles).toEqual([
      `*${STATUS_LABELS.requested}* (1)`,
      `*${STATUS_LABELS.approved}* (1)`,
      `*${STATUS_LABELS.submitted}* (1)`,
      `*${STATUS_LABELS.meeting_scheduled}* (1)`,
    ]);
    expect(shownIds(view)).toEqual(['ROT-RRRRRR', 'ROT-AAAAAA', 'ROT-SSSSSS', 'ROT-MMMMMM']);
    expect(accessories(view).map((b) => [b.action_id, b.text.text, b.value])).toEqual([
      [ACTIONS.approve, 'Approve', 'ROT-RRRRRR:1'],
      [ACTIONS.recordSubmission, 'Mark submitted in portal', 'ROT-AAAAAA:2'],
      [ACTIONS.scheduleMeeting, 'Meeting scheduled', 'ROT-SSSSSS:3'],
      [ACTIONS.complete, 'Secret received', 'ROT-MMMMMM:4'],
    ]);
  });

  it('shows each open rotation with its instance, deadline, submit-by and days left or LATE', () => {
    const view = home([aRotation({ id: 'ROT-LATE22', deadline: '2026-03-20' }), aRotation({ id: 'ROT-FINE22', deadline: '2026-04-17' })]);
    const [late, fine] = sectionTexts(view).filter((t) => t.startsWith('*`ROT-'));
    expect(late).toBe(
      '*`ROT-LATE22`* https://acme.wfi.pega.com' +
        `\nDeadline ${plainDate('2026-03-20')} · submit by ${plainDate('2026-03-06')} · :warning: *late by 2 business days*`,
    );
    expect(fine).toContain(`Deadline ${plainDate('2026-04-17')} · submit by ${plainDate('2026-04-03')} · 18 business days left`);
  });

  it('sorts inside a group: late first, then by submit-by', () => {
    const view = home([
      aRotation({ id: 'ROT-LATER2', deadline: '2026-04-17' }),
      aRotation({ id: 'ROT-SOON22', deadline: '2026-03-27' }),
      aRotation({ id: 'ROT-LATE22', deadline: '2026-03-20' }),
      aRotation({ id: 'ROT-LATEST', deadline: '2026-03-13' }),
    ]);
    expect(shownIds(view)).toEqual(['ROT-LATEST', 'ROT-LATE22', 'ROT-SOON22', 'ROT-LATER2']);
  });

  it('says what it shows: all rotations for an approver, the viewer’s own for anyone else', () => {
    const all = home([aRotation()], { scope: 'all' });
    const yours = home([aRotation()], { scope: 'yours' });
    expect(headers(all)[0]).toBe('WFI client secret rotation: all rotations');
    expect(headers(yours)[0]).toBe('WFI client secret rotation: your rotations');
    expect(headers(yours)).toContain('Your open rotations');
    expect(contextTexts(all)[0]).toContain('*All rotations* (you are an approver).');
    expect(contextTexts(yours)[0]).toContain('*Your rotations*: those you requested, attend or are invited to the meeting of; approvers see all.');
    expect(allText(home([], { scope: 'yours' }))).toContain('You are in no open rotation.');
  });

  it('shows a scheduled meeting with its time and join link (only those in the handoff and approvers have it on their Home)', () => {
    const text = allText(home([aRotationIn('meeting_scheduled')]));
    expect(text).toContain('on Webex · <https://acme.webex.com/meet/handoff|Join the meeting>');
  });

  it('marks the viewer’s own rotations', () => {
    const mine = home([aRotation()], { viewerId: REQUESTER_ID });
    expect(sectionTexts(mine).find((t) => t.startsWith('*`ROT-'))).toContain('_your request_');
    const attending = home([aRotation()], { viewerId: 'U0ATTENDEE' });
    expect(sectionTexts(attending).find((t) => t.startsWith('*`ROT-'))).toContain('_you attend_');
    const other = home([aRotation()]);
    expect(sectionTexts(other).find((t) => t.startsWith('*`ROT-'))).not.toMatch(/_your request_|_you attend_/);
  });

  it('names, for each instance, the open or planned rotation with the earliest deadline', () => {
    const globex = 'https://globex.wfi.pega.com';
    const { planned, completed } = aPlannedRotation({ instanceUrl: 'https://initech.wfi.pega.com' });
    const view = home([
      aRotation({ id: 'ROT-ACME02', deadline: '2026-04-17' }),
      aRotationIn('submitted', { id: 'ROT-ACME01', deadline: '2026-03-27' }),
      aRotation({ id: 'ROT-GLOBEX', deadline: '2026-05-15', instanceUrl: globex }),
      aRotationIn('completed', { id: 'ROT-GLOBE0', deadline: '2026-03-13', instanceUrl: globex }),
      planned,
      completed,
    ]);
    const lines = sectionAfter(view, 'Next due per instance').split('\n');
    expect(lines).toEqual([
      `• https://acme.wfi.pega.com: \`ROT-ACME01\` (${STATUS_LABELS.submitted}), deadline ${plainDate('2026-03-27')}, submit by ${plainDate('2026-03-13')}`,
      `• ${globex}: \`ROT-GLOBEX\` (${STATUS_LABELS.requested}), deadline ${plainDate('2026-05-15')}, submit by ${plainDate('2026-05-01')}`,
      `• https://initech.wfi.pega.com: \`${planned.id}\` (${STATUS_LABELS.planned}), deadline ${plainDate(planned.deadline)}, submit by ${plainDate(planned.submitBy)}`,
    ]);
  });

  it('lists planned next cycles with a Start request button carrying the rotation id', () => {
    const { planned, completed } = aPlannedRotation();
    const view = home([planned, completed]);
    const start = accessories(view).find((b) => b.action_id === ACTIONS.startPlanned);
    expect(start).toEqual({ type: 'button', action_id: ACTIONS.startPlanned, text: { type: 'plain_text', text: 'Start request' }, value: planned.id });
    expect(sectionAfter(view, 'Planned next cycles')).toContain(`*\`${planned.id}\`* https://acme.wfi.pega.com · after \`ROT-4F7K2Q\``);
    // A planned cycle is not an open rotation.
    expect(sectionAfter(view, 'Open rotations')).toContain('No open rotations');
  });

  it('shows the five most recently completed, newest first, with who confirmed and the next cycle', () => {
    const completed = Array.from({ length: 7 }, (_, i) =>
      aRotationIn('completed', { id: idFor(i), now: new Date(Date.UTC(2026, 0, 1 + i, 10)) }),
    );
    const withNext = { ...(completed[6] as Rotation), nextRotationId: 'ROT-NEXT22' } as Rotation;
    const view = home([...completed.slice(0, 6), withNext]);
    const lines = sectionAfter(view, 'Recently completed').split('\n');
    expect(lines).toHaveLength(HOME_RECENT_MAX);
    expect(lines.map((l) => /`(ROT-\w+)`/.exec(l)?.[1])).toEqual([6, 5, 4, 3, 2].map(idFor));
    expect(lines[0]).toContain(`confirmed by <@${REQUESTER_ID}>`);
    expect(lines[0]).toContain('next cycle `ROT-NEXT22`');
  });

  it(`caps each group at ${HOME_GROUP_MAX} and counts the rest, staying within 100 blocks with 200 open rotations`, () => {
    const statuses = ['requested', 'approved', 'submitted', 'meeting_scheduled'] as const;
    const many: Rotation[] = Array.from({ length: 200 }, (_, i) =>
      aRotationIn(statuses[i % 4] as (typeof statuses)[number], {
        id: idFor(i),
        deadline: `2026-0${3 + (i % 5)}-${String(10 + (i % 18)).padStart(2, '0')}`,
        instanceUrl: `https://customer${i}.wfi.pega.com`,
      }),
    );
    const planned = Array.from({ length: 30 }, (_, i) => aPlannedRotation({ id: idFor(1000 + i) }, idFor(2000 + i)));
    const view = home([...many, ...planned.flatMap((p) => [p.planned, p.completed])]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(shownIds(view).length).toBe(4 * HOME_GROUP_MAX + HOME_PLANNED_MAX);
    const more = contextTexts(view).filter((t) => t.includes('more'));
    const instancesShown = sectionAfter(view, 'Next due per instance').split('\n').length;
    expect(instancesShown).toBeGreaterThan(5);
    expect(more).toEqual([
      ...Array(4).fill(`…and ${50 - HOME_GROUP_MAX} more — \`${COMMAND} list\``),
      // 200 customer instances and the one all the planned cycles share.
      `…and ${201 - instancesShown} more — \`${COMMAND} list\``,
      `…and ${30 - HOME_PLANNED_MAX} more — \`${COMMAND} list\``,
    ]);
    expect(sectionAfter(view, 'Recently completed').split('\n')).toHaveLength(HOME_RECENT_MAX);
  });

  it('escapes instance URLs everywhere', () => {
    const hostile = 'https://x.wfi.pega.com/<!channel>';
    const { planned, completed } = aPlannedRotation({ instanceUrl: hostile });
    const view = home([aRotation({ instanceUrl: hostile }), planned, completed]);
    expect(JSON.stringify(view)).not.toContain('<!channel>');
  });
});
