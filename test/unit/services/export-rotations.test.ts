import { reportedExposure } from '../../support/changes';
import { decide, SECRET_EXPOSED_ADVICE } from '../../../src/domain/lifecycle';
import type { Rotation } from '../../../src/domain/rotation';
import { rotationsToCsv } from '../../../src/services/export-rotations';
import { APPROVER_ID, aRotation, aRotationIn, REQUESTER_ID } from '../../../testkit/rotations';

const HEADER = 'rotation_id,instance_url,environment_type,requester,deadline,submit_by,current_status,entry_at,actor,from,to,details';

/** A small RFC 4180 reader, so the tests check what a spreadsheet would read back, not only the bytes. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

function records(csv: string): Array<Record<string, string>> {
  const [header, ...rows] = readCsv(csv);
  return rows.map((row) => Object.fromEntries((header ?? []).map((column, i) => [column, row[i] ?? ''])));
}

function cancelledWith(reason: string, overrides: Parameters<typeof aRotation>[0] = {}): Rotation {
  const result = decide(aRotation(overrides), { type: 'cancel', reason }, {
    actor: { userId: REQUESTER_ID, isApprover: false },
    now: new Date('2026-02-25T12:00:00Z'),
    allowSelfApproval: false,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.rotation;
}

describe('rotationsToCsv', () => {
  it('given no rotations, when exported, then only the header row is written', () => {
    expect(rotationsToCsv([])).toBe(`${HEADER}\n`);
  });

  it('given a completed rotation, when exported, then there is one row per audit entry with the whole trail', () => {
    const csv = rotationsToCsv([aRotationIn('completed')]);

    const rotation = 'ROT-4F7K2Q,https://acme.wfi.pega.com,Production,U0REQUESTER,2026-03-20,2026-03-06,completed';
    expect(csv).toBe(
      [
        HEADER,
        `${rotation},2026-02-20T10:00:00.000Z,U0REQUESTER,,requested,deadline=2026-03-20; submitBy=2026-03-06`,
        `${rotation},2026-02-21T10:00:00.000Z,U0APPROVER,requested,approved,`,
        `${rotation},2026-02-22T10:00:00.000Z,U0REQUESTER,approved,submitted,caseNumber=CS-0123456; submittedOn=2026-02-23`,
        `${rotation},2026-02-23T10:00:00.000Z,U0REQUESTER,submitted,meeting_scheduled,` +
          'platform=Webex; startsAt=2026-03-24T14:00:00.000Z; timeZone=Europe/Berlin; ' +
          'joinUrl=https://acme.webex.com/meet/handoff; attendees=U0REQUESTER U0ATTENDEE',
        `${rotation},2026-02-24T10:00:00.000Z,U0REQUESTER,meeting_scheduled,completed,` +
          'confirmations=New secret stored in our vault; Integrations updated to the new secret',
        '',
      ].join('\n'),
    );
  });

  it('given rotations in several states, when exported, then each has as many rows as entries, oldest rotation first', () => {
    const rotations: Rotation[] = [
      aRotationIn('meeting_scheduled', { id: 'ROT-MEET22', now: new Date('2026-02-10T08:00:00Z') }),
      aRotationIn('rejected', { id: 'ROT-REJ222', now: new Date('2026-01-05T08:00:00Z') }),
      aRotation({ id: 'ROT-REQ222', now: new Date('2026-02-19T08:00:00Z') }),
      aRotationIn('cancelled', { id: 'ROT-CAN222', now: new Date('2026-02-01T08:00:00Z') }),
      aRotationIn('approved', { id: 'ROT-APP222', now: new Date('2026-01-20T08:00:00Z') }),
    ];

    const rows = records(rotationsToCsv(rotations));

    expect(rows.map((r) => [r.rotation_id, r.current_status, r.from, r.to])).toEqual([
      ['ROT-REJ222', 'rejected', '', 'requested'],
      ['ROT-REJ222', 'rejected', 'requested', 'rejected'],
      ['ROT-APP222', 'approved', '', 'requested'],
      ['ROT-APP222', 'approved', 'requested', 'approved'],
      ['ROT-CAN222', 'cancelled', '', 'requested'],
      ['ROT-CAN222', 'cancelled', 'requested', 'cancelled'],
      ['ROT-MEET22', 'meeting_scheduled', '', 'requested'],
      ['ROT-MEET22', 'meeting_scheduled', 'requested', 'approved'],
      ['ROT-MEET22', 'meeting_scheduled', 'approved', 'submitted'],
      ['ROT-MEET22', 'meeting_scheduled', 'submitted', 'meeting_scheduled'],
      ['ROT-REQ222', 'requested', '', 'requested'],
    ]);
    expect(rows.find((r) => r.to === 'rejected')).toMatchObject({ actor: APPROVER_ID, details: 'reason=Not due yet' });
    expect(rows.find((r) => r.to === 'cancelled')).toMatchObject({ actor: REQUESTER_ID, details: 'reason=Instance decommissioned' });
  });

  it('given a late request, when exported, then its lateness is in the details of the first entry', () => {
    // Requested Monday 2026-03-09 for a Friday 2026-03-20 deadline: submit-by Friday 03-06, late by 1 business day.
    const [row] = records(rotationsToCsv([aRotation({ now: new Date('2026-03-09T10:00:00Z') })]));

    expect(row?.details).toBe('deadline=2026-03-20; submitBy=2026-03-06; lateByBusinessDays=1');
  });

  it('given a reason with commas, quotes and a line break, when exported, then the cell is quoted and reads back intact', () => {
    const reason = 'Duplicate, see "ROT-4F7K2Q"\nand the change ticket';

    const csv = rotationsToCsv([cancelledWith(reason)]);

    expect(csv).toContain('"reason=Duplicate, see ""ROT-4F7K2Q""\nand the change ticket"');
    const rows = records(csv);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.details).toBe(`reason=${reason}`);
    expect(rows[1]?.to).toBe('cancelled');
  });

  it('given a reason with a carriage return, when exported, then it stays inside its quoted cell', () => {
    const csv = rotationsToCsv([cancelledWith('first line\r\nsecond line')]);

    expect(csv).toContain('"reason=first line\r\nsecond line"');
  });

  describe('formula injection', () => {
    const hostile = ['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tlooks blank', '\r=1'];

    it.each(hostile)('given a cell that begins with %p, when exported, then it gets a leading apostrophe', (value) => {
      const rotation = aRotation({ instanceUrl: value });

      const [row] = records(rotationsToCsv([rotation]));

      expect(row?.instance_url).toBe(`'${value}`);
    });

    it('given an actor and a requester that would start a formula, when exported, then those cells are neutralised too', () => {
      const base = aRotation();
      const rotation: Rotation = {
        ...base,
        requesterId: '=1+1',
        history: [{ ...base.history[0]!, actorId: '@cmd' }],
      };

      const [row] = records(rotationsToCsv([rotation]));

      expect(row).toMatchObject({ requester: "'=1+1", actor: "'@cmd" });
    });

    it('given a hostile reason, when exported, then the details cell starts with its key and cannot run as a formula', () => {
      const rows = records(rotationsToCsv([cancelledWith('=HYPERLINK("https://evil.example","x")')]));

      expect(rows[1]?.details).toBe('reason==HYPERLINK("https://evil.example","x")');
    });

    it('given ordinary values that merely contain those characters, when exported, then they are left alone', () => {
      const [row] = records(rotationsToCsv([aRotation()]));

      expect(row).toMatchObject({ deadline: '2026-03-20', instance_url: 'https://acme.wfi.pega.com', from: '' });
    });
  });

  it('given a secret_exposed entry, when exported, then its row keeps the state on both sides and its details cell starts with the event', () => {
    const approved = aRotationIn('approved');
    const exposed = reportedExposure(approved, {
      posterId: 'U0POSTER',
      channelId: 'C0ROTATIONS',
      messageTs: '1771671600.000200',
      now: new Date('2026-02-21T11:00:00Z'),
    });
    if (!exposed) throw new Error('not recorded');

    const rows = records(rotationsToCsv([exposed]));

    expect(rows).toHaveLength(3);
    expect(rows.slice(0, 2)).toEqual(records(rotationsToCsv([approved])));
    expect(rows[2]).toMatchObject({ entry_at: '2026-02-21T11:00:00.000Z', actor: 'U0POSTER', from: 'approved', to: 'approved', current_status: 'approved' });
    expect(rows[2]?.details).toBe(`event=secret_exposed; channel=C0ROTATIONS; messageTs=1771671600.000200; advice=${SECRET_EXPOSED_ADVICE}`);
  });

  it('given a history stored out of time order, when exported, then the entries come in time order', () => {
    const base = aRotationIn('approved');
    const [requested, approved] = base.history;
    const rotation: Rotation = { ...base, history: [approved!, requested!] };

    const rows = records(rotationsToCsv([rotation]));

    expect(rows.map((r) => r.to)).toEqual(['requested', 'approved']);
  });

  it('given two rotations created at the same instant, when exported, then they are ordered by id', () => {
    const rows = records(rotationsToCsv([aRotation({ id: 'ROT-BBBBBB' }), aRotation({ id: 'ROT-AAAAAA' })]));

    expect(rows.map((r) => r.rotation_id)).toEqual(['ROT-AAAAAA', 'ROT-BBBBBB']);
  });

  it('given a rotation list, when exported, then the caller’s array is not reordered', () => {
    const rotations = [aRotation({ id: 'ROT-BBBBBB' }), aRotation({ id: 'ROT-AAAAAA' })];

    rotationsToCsv(rotations);

    expect(rotations.map((r) => r.id)).toEqual(['ROT-BBBBBB', 'ROT-AAAAAA']);
  });
});
