import type { BusinessCalendar } from '../../../src/domain/calendar';
import {
  createRotation,
  ID_ALPHABET,
  isChannelId,
  leadTime,
  nextCycleId,
  parseRotationId,
  ROTATION_ID_PATTERN,
  rotationId,
  type LeadTimePolicy,
  type RotationRequest,
  workspaceOf,
} from '../../../src/domain/rotation';
import { aPlannedRotation } from '../../../testkit/rotations';

// Deadline Friday 2026-03-20 with a 10-business-day lead time: submit-by Friday 2026-03-06 (domain.md).
// March 2026: Mon 02, Fri 06, Sat 07, Sun 08, Mon 09, Tue 10, Wed 11, Fri 13, Sat 14, Mon 16.

function policy(holidays: string[] = [], timeZone = 'UTC'): LeadTimePolicy {
  const calendar: BusinessCalendar = { timeZone, holidays: new Set(holidays) };
  return { calendar, leadBusinessDays: 10 };
}

describe('leadTime', () => {
  it('given today is the Monday of submit-by week, when checked, then 4 business days are left and it is not late', () => {
    expect(leadTime('2026-03-20', '2026-03-02', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: 4,
      lateByBusinessDays: 0,
    });
  });

  it('given today is a Saturday a week before submit-by, when checked, then the weekend does not count', () => {
    expect(leadTime('2026-03-20', '2026-02-28', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: 5,
      lateByBusinessDays: 0,
    });
  });

  it('given today is the submit-by day, when checked, then it is due today (0 left) and not late', () => {
    expect(leadTime('2026-03-20', '2026-03-06', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: 0,
      lateByBusinessDays: 0,
    });
  });

  it('given a Saturday deadline and today the submit-by Friday, when checked, then it is due today', () => {
    expect(leadTime('2026-03-21', '2026-03-06', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: 0,
      lateByBusinessDays: 0,
    });
  });

  it('given today is the Monday after submit-by, when checked, then it is late by 1 business day', () => {
    expect(leadTime('2026-03-20', '2026-03-09', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: -1,
      lateByBusinessDays: 1,
    });
  });

  it('given today is the Wednesday after submit-by, when checked, then it is late by 3 business days', () => {
    expect(leadTime('2026-03-20', '2026-03-11', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: -3,
      lateByBusinessDays: 3,
    });
  });

  it('given a request on the Saturday right after a Friday submit-by, when checked, then it counts from Monday: late by 1 and overdue, not due today', () => {
    expect(leadTime('2026-03-20', '2026-03-07', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: -1,
      lateByBusinessDays: 1,
    });
  });

  it('given a request on the Sunday right after a Friday submit-by, when checked, then it counts from Monday too', () => {
    expect(leadTime('2026-03-20', '2026-03-08', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: -1,
      lateByBusinessDays: 1,
    });
  });

  it('given a request on the second Saturday after submit-by, when checked, then it counts the next Monday: late by 6', () => {
    expect(leadTime('2026-03-20', '2026-03-14', policy())).toEqual({
      submitBy: '2026-03-06',
      businessDaysLeft: -6,
      lateByBusinessDays: 6,
    });
  });

  it('given a holiday Monday and a request on the weekend before it, when checked, then it counts from the Tuesday', () => {
    // With 2026-03-09 a holiday, submit-by moves to Thursday 2026-03-05; the next business day after
    // Saturday 03-07 is Tuesday 03-10, so the business days short are Friday 03-06 and Tuesday 03-10.
    expect(leadTime('2026-03-20', '2026-03-07', policy(['2026-03-09']))).toEqual({
      submitBy: '2026-03-05',
      businessDaysLeft: -2,
      lateByBusinessDays: 2,
    });
  });
});

describe('createRotation', () => {
  const request: RotationRequest = {
    instanceUrl: 'https://acme.wfi.pega.com',
    environmentType: 'Production',
    deadline: '2026-03-20',
    channelId: 'C0123ABCD',
    attendeeIds: ['U0AAAAAAA', 'U0BBBBBBB'],
    notes: 'Policy review OPS-1234',
  };

  it('given an on-time request, when created, then every field is set and the history starts with the request', () => {
    const rotation = createRotation(request, {
      id: 'ROT-29AJMZ',
      requesterId: 'U0REQUEST',
      now: new Date('2026-03-02T09:15:00Z'),
      policy: policy(),
    });

    expect(rotation).toStrictEqual({
      schemaVersion: 1,
      id: 'ROT-29AJMZ',
      version: 1,
      status: 'requested',
      requesterId: 'U0REQUEST',
      instanceUrl: 'https://acme.wfi.pega.com',
      environmentType: 'Production',
      deadline: '2026-03-20',
      submitBy: '2026-03-06',
      lateByBusinessDays: 0,
      attendeeIds: ['U0AAAAAAA', 'U0BBBBBBB'],
      channelId: 'C0123ABCD',
      notes: 'Policy review OPS-1234',
      createdAt: '2026-03-02T09:15:00.000Z',
      history: [
        {
          at: '2026-03-02T09:15:00.000Z',
          actorId: 'U0REQUEST',
          from: null,
          to: 'requested',
          details: { deadline: '2026-03-20', submitBy: '2026-03-06' },
        },
      ],
    });
  });

  it('given a request two business days after submit-by, when created, then it is marked late in the fields and the audit entry', () => {
    const rotation = createRotation(request, {
      id: 'ROT-29AJMZ',
      requesterId: 'U0REQUEST',
      now: new Date('2026-03-10T12:00:00Z'),
      policy: policy(),
    });

    expect(rotation.lateByBusinessDays).toBe(2);
    expect(rotation.history).toEqual([
      {
        at: '2026-03-10T12:00:00.000Z',
        actorId: 'U0REQUEST',
        from: null,
        to: 'requested',
        details: { deadline: '2026-03-20', submitBy: '2026-03-06', lateByBusinessDays: '2' },
      },
    ]);
  });

  it('given 23:30 UTC on the submit-by Friday, when created in Berlin, then it is already Saturday there and late by 1', () => {
    const rotation = createRotation(request, {
      id: 'ROT-29AJMZ',
      requesterId: 'U0REQUEST',
      now: new Date('2026-03-06T23:30:00Z'),
      policy: policy([], 'Europe/Berlin'),
    });

    expect(rotation.lateByBusinessDays).toBe(1);
    expect(rotation.history[0]?.details).toEqual({ deadline: '2026-03-20', submitBy: '2026-03-06', lateByBusinessDays: '1' });
  });

  it('given the same instant, when created in UTC, then it is still the submit-by day and on time', () => {
    const rotation = createRotation(request, {
      id: 'ROT-29AJMZ',
      requesterId: 'U0REQUEST',
      now: new Date('2026-03-06T23:30:00Z'),
      policy: policy(),
    });

    expect(rotation.lateByBusinessDays).toBe(0);
    expect(rotation.history[0]?.details).toEqual({ deadline: '2026-03-20', submitBy: '2026-03-06' });
  });

  it('given a request without notes, when created, then the rotation has no notes field', () => {
    const { notes: _notes, ...withoutNotes } = request;
    const rotation = createRotation(withoutNotes, {
      id: 'ROT-29AJMZ',
      requesterId: 'U0REQUEST',
      now: new Date('2026-03-02T09:15:00Z'),
      policy: policy(),
    });

    expect('notes' in rotation).toBe(false);
  });

  it('given the caller changes its attendee list afterwards, when the rotation is read, then its attendees are unchanged', () => {
    const attendeeIds = ['U0AAAAAAA'];
    const rotation = createRotation(
      { ...request, attendeeIds },
      { id: 'ROT-29AJMZ', requesterId: 'U0REQUEST', now: new Date('2026-03-02T09:15:00Z'), policy: policy() },
    );

    attendeeIds.push('U0CCCCCCC');

    expect(rotation.attendeeIds).toEqual(['U0AAAAAAA']);
  });
});

describe('rotationId', () => {
  // The alphabet leaves out 0/O, 1/I/L and U: 2-9 (indexes 0-7), then A B C D E F G H J K M N P Q R S T V W X Y Z (8-29).
  it('given a scripted randomIndex, when an id is made, then each index picks its character from the 30-character alphabet', () => {
    const picks = [0, 7, 8, 16, 18, 29];
    const maxima: number[] = [];
    const id = rotationId((exclusiveMax) => {
      maxima.push(exclusiveMax);
      return picks[maxima.length - 1] ?? 0;
    });

    expect(id).toBe('ROT-29AJMZ');
    expect(maxima).toEqual([30, 30, 30, 30, 30, 30]);
  });

  it('given randomIndex always returns 0, when an id is made, then it is six 2s', () => {
    expect(rotationId(() => 0)).toBe('ROT-222222');
  });

  it('given any valid indexes, when ids are made, then each matches ROTATION_ID_PATTERN', () => {
    for (let start = 0; start < 30; start += 1) {
      const id = rotationId((max) => (start * 7 + 3) % max);
      expect(id).toMatch(ROTATION_ID_PATTERN);
    }
  });

  it('given the pattern, when tested against look-alike characters, then 0, O, 1, I, L and U are refused', () => {
    for (const id of ['ROT-22222O', 'ROT-222220', 'ROT-222221', 'ROT-22222I', 'ROT-22222L', 'ROT-22222U', 'ROT-22222a']) {
      expect(id).not.toMatch(ROTATION_ID_PATTERN);
    }
  });
});

describe('nextCycleId', () => {
  it('given a completed rotation, when its next cycle id is derived, then it is a well-formed rotation id', () => {
    for (const completedId of ['ROT-4F7K2Q', 'ROT-222222', 'ROT-ZZZZZZ']) {
      expect(nextCycleId(completedId)).toMatch(ROTATION_ID_PATTERN);
    }
  });

  it('given the same completed rotation, when derived twice, then it is the same id: a retry finds the cycle planned before', () => {
    expect(nextCycleId('ROT-4F7K2Q')).toBe(nextCycleId('ROT-4F7K2Q'));
  });

  it('given known completed ids, when derived, then they are the fixed ids the derivation gives', () => {
    // Planned cycles are stored under these ids: a changed derivation would make a retry after an upgrade plan a second one.
    expect(nextCycleId('ROT-4F7K2Q')).toBe('ROT-BRG5JB');
    expect(nextCycleId('ROT-4F7K2R')).toBe('ROT-QQ6PK8');
    expect(nextCycleId('ROT-222222')).toBe('ROT-DR5DJA');
  });

  it('given 200 completed ids that differ in one character or two, when derived, then every next cycle id is different', () => {
    // Each of the six characters is drawn from its own hash of the completed id, so near-identical ids do not share one.
    const completed = Array.from({ length: 200 }, (_, i) => `ROT-2222${ID_ALPHABET[Math.floor(i / 30)]}${ID_ALPHABET[i % 30]}`);
    const next = completed.map(nextCycleId);

    expect(new Set(completed).size).toBe(200);
    expect(new Set(next).size).toBe(200);
    expect(next.filter((id) => /^ROT-(.)\1{5}$/.test(id))).toEqual([]);
  });
});

describe('isChannelId', () => {
  it.each([
    ['C0123ABCD', 'a public channel'],
    ['G0123ABCD', 'a private channel'],
    ['C01', 'the shortest allowed (2 characters after C)'],
    [`C${'A'.repeat(20)}`, 'the longest allowed (21 characters)'],
  ])('given %j (%s), when checked, then it is a channel id', (id) => {
    expect(isChannelId(id)).toBe(true);
  });

  it.each([
    ['D0123ABCD', 'a direct message'],
    ['U0123ABCD', 'a user'],
    ['C0', 'too short'],
    [`C${'A'.repeat(21)}`, 'one character too long'],
    ['C0123ABCD<script>', 'an id with anything after it'],
    ['C0123ABCD ', 'a trailing space'],
    ['#C0123ABCD', 'anything before it'],
    ['c0123abcd', 'lower case'],
    ['', 'empty'],
  ])('given %j (%s), when checked, then it is not', (id) => {
    expect(isChannelId(id)).toBe(false);
  });
});

describe('parseRotationId', () => {
  it.each([
    ['ROT-29AJMZ', 'the exact id'],
    ['rot-29ajmz', 'lower case'],
    ['29AJMZ', 'no prefix'],
    ['29ajmz', 'no prefix, lower case'],
    ['  rot-29ajmz  ', 'surrounding spaces'],
  ])('given %j (%s), when parsed, then it is ROT-29AJMZ', (text) => {
    expect(parseRotationId(text)).toBe('ROT-29AJMZ');
  });

  it.each([
    ['', 'empty'],
    ['ROT-', 'prefix only'],
    ['ROT-29AJM', 'five characters'],
    ['ROT-29AJMZ2', 'seven characters'],
    ['ROT-29AJMO', 'the letter O'],
    ['ROT-29AJM0', 'the digit 0'],
    ['ROT-29AJM1', 'the digit 1'],
    ['ROT-29AJMU', 'the letter U'],
    ['ROT_29AJMZ', 'underscore instead of hyphen'],
    ['ROT-ROT-29AJMZ', 'prefix twice'],
    ['ROT 29AJMZ', 'space instead of hyphen'],
    ['status of my rotation', 'prose'],
  ])('given %j (%s), when parsed, then it is not an id', (text) => {
    expect(parseRotationId(text)).toBeUndefined();
  });
});

describe('the workspace a rotation was requested in', () => {
  const request: RotationRequest = {
    instanceUrl: 'https://acme.wfi.pega.com',
    environmentType: 'Production',
    deadline: '2026-03-20',
    channelId: 'C0CHANNEL1',
    attendeeIds: ['U0REQUEST1'],
  };
  const context = { id: 'ROT-4F7K2Q', requesterId: 'U0REQUEST1', now: new Date('2026-03-02T10:00:00Z'), policy: policy() };

  it('keeps only the ids that are there, and none when neither is', () => {
    expect(workspaceOf('T0TEAM001', undefined)).toEqual({ teamId: 'T0TEAM001' });
    expect(workspaceOf('T0TEAM001', 'E0ORG0001')).toEqual({ teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001' });
    expect(workspaceOf(undefined, 'E0ORG0001')).toEqual({ enterpriseId: 'E0ORG0001' });
    expect(workspaceOf('', null)).toBeUndefined();
    expect(workspaceOf(undefined, undefined)).toBeUndefined();
  });

  it('is stored with a new rotation when known, and absent otherwise (a single-workspace rotation as before)', () => {
    expect(createRotation(request, { ...context, workspace: { teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001' } }).workspace).toEqual({
      teamId: 'T0TEAM001',
      enterpriseId: 'E0ORG0001',
    });
    expect('workspace' in createRotation(request, context)).toBe(false);
  });

  it('is kept by the planned next cycle', () => {
    const { planned } = aPlannedRotation({ workspace: { teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001' } });
    expect(planned.workspace).toEqual({ teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001' });
    expect('workspace' in aPlannedRotation().planned).toBe(false);
  });
});
