import type { Rotation } from '../../../../src/domain/rotation';
import { COMMAND } from '../../../../src/slack/ids';
import { sortByUrgency } from '../../../../src/domain/standing';
import { buildRotationList, LIST_MAX } from '../../../../src/slack/views/rotation-list';
import { STATUS_LABELS } from '../../../../src/slack/views/labels';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { aPlannedRotation, aRotation, aRotationIn } from '../../../../testkit/rotations';
import { context, contextTexts, plainDate, idFor, sectionTexts } from './view-helpers';

/** Tuesday 2026-03-10: a rotation with a 2026-03-20 deadline (submit-by Friday 03-06) is 2 business days late. */
const NOW = new Date('2026-03-10T09:00:00Z');
const ctx = { ...context({ now: NOW }), scope: 'all' as const };

// Deadlines and their submit-by dates (10 business days earlier, UTC, no holidays):
// 03-20 → 03-06 (late on 03-10), 03-27 → 03-13, 04-17 → 04-03, 03-13 → 02-27 (late).
const lateA = aRotation({ id: 'ROT-AAAAAA', deadline: '2026-03-20' });
const lateB = aRotationIn('approved', { id: 'ROT-BBBBBB', deadline: '2026-03-13' });
const soon = aRotationIn('submitted', { id: 'ROT-CCCCCC', deadline: '2026-03-27' });
const later = aRotationIn('meeting_scheduled', { id: 'ROT-DDDDDD', deadline: '2026-04-17' });
const sameDayAsSoon = aRotation({ id: 'ROT-22CCCC', deadline: '2026-03-27' });

describe('sortByUrgency', () => {
  it('puts late rotations first, then orders by submit-by, then by id', () => {
    const sorted = sortByUrgency([later, soon, lateA, sameDayAsSoon, lateB], ctx);
    expect(sorted.map((r) => r.id)).toEqual(['ROT-BBBBBB', 'ROT-AAAAAA', 'ROT-22CCCC', 'ROT-CCCCCC', 'ROT-DDDDDD']);
  });

  it('counts a rotation as late only once today is after its submit-by date', () => {
    // On submit-by day itself (Friday 03-06) the 03-20 rotation is due, not late: submit-by decides, not lateness at creation.
    const onTheDay = context({ now: new Date('2026-03-06T09:00:00Z') });
    const early = aRotation({ id: 'ROT-EEEEEE', deadline: '2026-03-19' }); // submit-by 03-05: late on 03-06
    expect(sortByUrgency([lateA, early], onTheDay).map((r) => r.id)).toEqual(['ROT-EEEEEE', 'ROT-AAAAAA']);
  });

  it('returns a sorted copy and leaves its input alone', () => {
    const input = [later, lateA];
    const sorted = sortByUrgency(input, ctx);
    expect(input.map((r) => r.id)).toEqual(['ROT-DDDDDD', 'ROT-AAAAAA']);
    expect(sorted).not.toBe(input);
  });
});

describe('buildRotationList', () => {
  it('says so when there is nothing open, and how to start', () => {
    const closed: Rotation[] = [aRotationIn('completed'), aRotationIn('rejected'), aRotationIn('cancelled'), aPlannedRotation().planned];
    for (const rotations of [[], closed]) {
      const list = buildRotationList(rotations, ctx);
      expect(list.text).toBe(`No open rotations. \`${COMMAND}\` opens the request form.`);
      expect(list.blocks).toHaveLength(1);
      expectWithinBlockKitLimits('message', list);
    }
  });

  it('lists only open rotations, most urgent first', () => {
    const list = buildRotationList([later, aRotationIn('completed'), soon, lateA, aPlannedRotation().planned, lateB], ctx);
    expect(list.text).toBe('4 open rotations, most urgent first');
    expect(sectionTexts(list)[0]).toMatch(/^\*All rotations: 4 open rotations\*/);
    const lines = sectionTexts(list).slice(1);
    expect(lines.map((l) => /^`(ROT-\w+)`/.exec(l)?.[1])).toEqual(['ROT-BBBBBB', 'ROT-AAAAAA', 'ROT-CCCCCC', 'ROT-DDDDDD']);
    expectWithinBlockKitLimits('message', list);
  });

  it('shows id, state, instance, deadline, submit-by and the time left in each line', () => {
    const lines = sectionTexts(buildRotationList([lateA, soon, aRotation({ id: 'ROT-FFFFFF', deadline: '2026-04-17' })], ctx)).slice(1);
    expect(lines[0]).toBe(
      `\`ROT-AAAAAA\` · *${STATUS_LABELS.requested}* · https://acme.wfi.pega.com\n` +
        `Deadline ${plainDate('2026-03-20')} · submit by ${plainDate('2026-03-06')} · :warning: *late by 2 business days*`,
    );
    expect(lines[2]).toBe(
      `\`ROT-FFFFFF\` · *${STATUS_LABELS.requested}* · https://acme.wfi.pega.com\n` +
        `Deadline ${plainDate('2026-04-17')} · submit by ${plainDate('2026-04-03')} · 18 business days left`,
    );
    // Once the portal request is made, what is left is counted to the deadline instead.
    expect(lines[1]).toContain(`\`ROT-CCCCCC\` · *${STATUS_LABELS.submitted}*`);
    expect(lines[1]).toContain('portal request made; 13 business days to the deadline');
  });

  it('says "due today" on the submit-by day', () => {
    const lines = sectionTexts(buildRotationList([lateA], { ...context({ now: new Date('2026-03-06T09:00:00Z') }), scope: 'all' }));
    expect(lines[1]).toContain('*due today*');
  });

  it('says when it shows only the person’s own rotations, and what to do when there are none', () => {
    const yours = buildRotationList([soon], { ...ctx, scope: 'yours' });
    expect(sectionTexts(yours)[0]).toMatch(/^\*Your rotations: 1 open rotation of yours\*/);
    expect(sectionTexts(yours)[0]).toContain('approvers see all');
    const none = buildRotationList([], { ...ctx, scope: 'yours' });
    expect(none.text).toContain('You are in no open rotation (approvers see all of them)');
  });

  it('escapes the instance URL', () => {
    const list = buildRotationList([aRotation({ instanceUrl: 'https://x.wfi.pega.com/<!channel>' })], ctx);
    expect(JSON.stringify(list)).not.toContain('<!channel>');
  });

  it(`stays within 50 blocks with 200 open rotations, showing the ${LIST_MAX} most urgent and counting the rest`, () => {
    const statuses = ['requested', 'approved', 'submitted', 'meeting_scheduled'] as const;
    const many: Rotation[] = Array.from({ length: 200 }, (_, i) =>
      aRotationIn(statuses[i % 4] as (typeof statuses)[number], {
        id: idFor(i),
        deadline: `2026-0${3 + (i % 5)}-${String(10 + (i % 18)).padStart(2, '0')}`,
        instanceUrl: `https://customer${i}.wfi.pega.com`,
      }),
    );
    const list = buildRotationList(many, ctx);
    expectWithinBlockKitLimits('message', list);
    expect(list.blocks.length).toBeLessThanOrEqual(50);
    expect(sectionTexts(list)).toHaveLength(1 + LIST_MAX);
    expect(contextTexts(list).at(-1)).toContain(`and ${200 - LIST_MAX} more`);
    expect(list.text).toBe('200 open rotations, most urgent first');
    // The shown ones are the most urgent of all 200.
    const expected = sortByUrgency(many, ctx).slice(0, LIST_MAX).map((r) => r.id);
    expect(sectionTexts(list).slice(1).map((l) => /^`(ROT-\w+)`/.exec(l)?.[1])).toEqual(expected);
  });
});
