import { createHash } from 'node:crypto';
import { reportedExposure } from '../../support/changes';
import { canonicalJson, nextLogRecord, verifyAuditTrail } from '../../../src/domain/audit-chain';
import { decide, SECRET_EXPOSED_ADVICE } from '../../../src/domain/lifecycle';
import type { ExportFile, Notifier, RotationStore } from '../../../src/domain/ports';
import type { Rotation } from '../../../src/domain/rotation';
import { rotationsToCsv, rotationsToJsonLines } from '../../../src/services/export-rotations';
import { sendRotationExport } from '../../../src/services/send-export';
import { openStore } from '../../../src/store/keyv-factory';
import { APPROVER_ID, aRotation, aRotationIn, asStored, REQUESTER_ID } from '../../../testkit/rotations';

const HEADER = 'rotation_id,instance_url,environment_type,requester,deadline,submit_by,current_status,entry_at,actor,from,to,details,workspace';

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
        `${rotation},2026-02-20T10:00:00.000Z,U0REQUESTER,,requested,deadline=2026-03-20; submitBy=2026-03-06,`,
        `${rotation},2026-02-21T10:00:00.000Z,U0APPROVER,requested,approved,,`,
        `${rotation},2026-02-22T10:00:00.000Z,U0REQUESTER,approved,submitted,caseNumber=CS-0123456; submittedOn=2026-02-23,`,
        `${rotation},2026-02-23T10:00:00.000Z,U0REQUESTER,submitted,meeting_scheduled,` +
          'platform=Webex; startsAt=2026-03-24T14:00:00.000Z; timeZone=Europe/Berlin; ' +
          'joinUrl=https://acme.webex.com/meet/handoff; attendees=U0REQUESTER U0ATTENDEE,',
        `${rotation},2026-02-24T10:00:00.000Z,U0REQUESTER,meeting_scheduled,completed,` +
          'confirmations=New secret stored in our vault; Integrations updated to the new secret,',
        '',
      ].join('\n'),
    );
  });

  it('given rotations of two workspaces of an org-wide install, when exported, then the last column says each one\'s workspace (empty for one made before it was recorded)', () => {
    const rotations: Rotation[] = [
      aRotation({ id: 'ROT-TEAM01', now: new Date('2026-02-01T08:00:00Z'), workspace: { teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001' } }),
      aRotation({ id: 'ROT-TEAM02', now: new Date('2026-02-02T08:00:00Z'), workspace: { teamId: 'T0TEAM002', enterpriseId: 'E0ORG0001' } }),
      aRotation({ id: 'ROT-OLDER1', now: new Date('2026-02-03T08:00:00Z') }),
    ];

    const csv = rotationsToCsv(rotations, { orgWide: true });

    expect(csv.split('\n')[0]).toBe(HEADER);
    expect(records(csv).map((r) => [r.rotation_id, r.workspace])).toEqual([
      ['ROT-TEAM01', 'T0TEAM001'],
      ['ROT-TEAM02', 'T0TEAM002'],
      ['ROT-OLDER1', ''],
    ]);
  });

  it('given a rotation that knows its workspace on a workspace install, when exported, then the workspace column is empty, as before', () => {
    const rotation = aRotation({ workspace: { teamId: 'T0TEAM001' } });

    expect(records(rotationsToCsv([rotation])).map((r) => r.workspace)).toEqual(['']);
    expect(rotationsToCsv([rotation])).toBe(rotationsToCsv([aRotation()]));
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

describe('rotationsToJsonLines', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const completed = asStored(aRotationIn('completed', { id: 'ROT-AAAAAA' }));
  const requested = asStored(aRotation({ id: 'ROT-BBBBBB', now: new Date('2026-01-05T08:00:00Z') }));
  const names = new Map([
    [REQUESTER_ID, 'Ada Lovelace'],
    [APPROVER_ID, 'Grace "Amazing" Hopper'],
  ]);
  const audit = verifyAuditTrail([completed, requested], [], sha256);
  const exportedAt = new Date('2026-03-02T10:00:00Z');

  const lines = (text: string) => {
    expect(text.endsWith('\n')).toBe(true);
    return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('given rotations, when exported, then there is one object per entry, oldest rotation first, each entry in chain order, then the verification', () => {
    const parsed = lines(rotationsToJsonLines([completed, requested], { names, audit, exportedAt }));

    expect(parsed.map((l) => [l.type, l.rotation_id, l.entry_index, l.to])).toEqual([
      ['audit_entry', 'ROT-BBBBBB', 0, 'requested'],
      ['audit_entry', 'ROT-AAAAAA', 0, 'requested'],
      ['audit_entry', 'ROT-AAAAAA', 1, 'approved'],
      ['audit_entry', 'ROT-AAAAAA', 2, 'submitted'],
      ['audit_entry', 'ROT-AAAAAA', 3, 'meeting_scheduled'],
      ['audit_entry', 'ROT-AAAAAA', 4, 'completed'],
      ['audit_verification', undefined, undefined, undefined],
    ]);
  });

  it('given an entry, when exported, then its line carries the rotation, the people by id and by name, and its place in the chain', () => {
    const approval = lines(rotationsToJsonLines([completed], { names, audit, exportedAt }))[1];

    expect(approval).toEqual({
      type: 'audit_entry',
      rotation_id: 'ROT-AAAAAA',
      instance_url: 'https://acme.wfi.pega.com',
      environment_type: 'Production',
      requester_id: REQUESTER_ID,
      requester_name: 'Ada Lovelace',
      deadline: '2026-03-20',
      submit_by: '2026-03-06',
      current_status: 'completed',
      workspace_id: null,
      entry_index: 1,
      at: '2026-02-21T10:00:00.000Z',
      actor_id: APPROVER_ID,
      actor_name: 'Grace "Amazing" Hopper',
      from: 'requested',
      to: 'approved',
      event: null,
      details: null,
      prev_hash: completed.history[0]?.hash,
      hash: completed.history[1]?.hash,
    });
  });

  it('given an org-wide install, when exported, then each line says its rotation\'s workspace', () => {
    const inTeam2 = { ...completed, workspace: { teamId: 'T0TEAM002', enterpriseId: 'E0ORG0001' } };

    expect(lines(rotationsToJsonLines([inTeam2], { names, audit, exportedAt, orgWide: true }))[0]).toMatchObject({ workspace_id: 'T0TEAM002' });
    expect(lines(rotationsToJsonLines([inTeam2], { names, audit, exportedAt }))[0]).toMatchObject({ workspace_id: null });
  });

  it('given a person Slack could not name, when exported, then their name is null and their id is there', () => {
    const [first] = lines(rotationsToJsonLines([completed], { names: new Map(), audit, exportedAt }));

    expect(first).toMatchObject({ requester_id: REQUESTER_ID, requester_name: null, actor_id: REQUESTER_ID, actor_name: null });
  });

  it('given any line, when its hash is recomputed from the line alone as SECURITY.md says, then it matches', () => {
    const exposed = asStored(
      reportedExposure(aRotationIn('approved', { id: 'ROT-CCCCCC' }), { posterId: 'U0POSTER', channelId: 'C0ROTATIONS', messageTs: '1.000200', now: new Date('2026-02-21T11:00:00Z') }) as Rotation,
    );
    for (const line of lines(rotationsToJsonLines([completed, exposed], { names, audit, exportedAt })).filter((l) => l.type === 'audit_entry')) {
      const entry = {
        at: line.at,
        actorId: line.actor_id,
        from: line.from,
        to: line.to,
        prev: line.prev_hash,
        ...(line.details !== null ? { details: line.details } : {}),
        ...(line.event !== null ? { event: line.event } : {}),
      };
      expect(sha256(canonicalJson({ rotationId: line.rotation_id, index: line.entry_index, entry }))).toBe(line.hash);
    }
  });

  it('given a store whose chains verify, when exported, then the last line says so, with the log head and the time', () => {
    const log = [nextLogRecord(undefined, { rotationId: requested.id, index: 0, entryHash: requested.history[0]?.hash as string }, sha256)];
    const verified = verifyAuditTrail([requested], log, sha256);

    const last = lines(rotationsToJsonLines([requested], { names, audit: verified, exportedAt })).at(-1);

    expect(last).toEqual({
      type: 'audit_verification',
      exported_at: '2026-03-02T10:00:00.000Z',
      verified: true,
      rotations: 1,
      entries: 1,
      log_records: 1,
      log_head: log[0]?.hash,
      pending: 0,
      broken: [],
    });
  });

  it('given a store whose chains do not verify, when exported, then the last line says so and names each broken link', () => {
    const edited = { ...completed, history: completed.history.map((e, i) => (i === 2 ? { ...e, actorId: 'U0SOMEONE' } : e)) };
    const broken = verifyAuditTrail([edited], [], sha256);

    const last = lines(rotationsToJsonLines([edited], { names, audit: broken, exportedAt })).at(-1);

    expect(last).toMatchObject({
      verified: false,
      broken: [{ rotation_id: 'ROT-AAAAAA', entry_index: 2, log_seq: null, problem: 'edited', message: 'entry 2 does not match its hash: the entry was edited' }],
    });
  });

  it('given text that would break a line (a reason with line breaks), when exported, then each entry stays on one line', () => {
    const cancelled = asStored(cancelledWith('first line\nsecond line\r\nthird'));

    const text = rotationsToJsonLines([cancelled], { names, audit, exportedAt });

    expect(text.split('\n')).toHaveLength(4);
    expect(lines(text)[1]?.details).toEqual({ reason: 'first line\nsecond line\r\nthird' });
  });
});

describe('sendRotationExport', () => {
  const sent: Array<{ userId: string; file: ExportFile }> = [];
  const notifier = { sendExport: async (userId: string, file: ExportFile) => void sent.push({ userId, file }) } as unknown as Notifier;
  const clock = { now: () => new Date('2026-03-02T10:00:00Z') };
  beforeEach(() => {
    sent.length = 0;
  });

  async function storeWith(...rotations: Rotation[]): Promise<RotationStore> {
    const { rotations: store } = openStore('memory://');
    for (const rotation of rotations) await store.insert(rotation);
    return store;
  }

  it('given CSV, when sent, then the CSV goes with the check of the audit trail it was read with', async () => {
    const store = await storeWith(aRotationIn('approved'));

    expect(await sendRotationExport({ store, notifier, clock }, APPROVER_ID)).toBe(1);

    expect(sent).toEqual([{ userId: APPROVER_ID, file: expect.objectContaining({ format: 'csv', rotations: 1, content: expect.stringContaining(HEADER) }) }]);
    expect(sent[0]?.file.audit).toMatchObject({ findings: [], entries: 2, logRecords: 2, pending: 0 });
  });

  it('given JSON Lines, when sent, then the names come from the directory, asked once for everyone the trail names', async () => {
    const store = await storeWith(aRotationIn('approved'));
    const namesOf = jest.fn(async (ids: readonly string[]) => new Map(ids.filter((id) => id === APPROVER_ID).map((id) => [id, 'Grace Hopper'])));

    await sendRotationExport({ store, notifier, clock, people: { namesOf } }, APPROVER_ID, 'jsonl');

    expect(namesOf).toHaveBeenCalledTimes(1);
    expect([...(namesOf.mock.calls[0]?.[0] ?? [])].sort()).toEqual([APPROVER_ID, REQUESTER_ID].sort());
    const parsed = sent[0]?.file.content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) ?? [];
    expect(parsed.map((l) => [l.type, l.actor_name])).toEqual([['audit_entry', null], ['audit_entry', 'Grace Hopper'], ['audit_verification', undefined]]);
    expect(parsed.at(-1)).toMatchObject({ verified: true, exported_at: '2026-03-02T10:00:00.000Z' });
  });

  it('given a directory that fails, when JSON Lines are sent, then they go with ids alone', async () => {
    const store = await storeWith(aRotation());
    const people = { namesOf: () => Promise.reject(new Error('slack down')) };

    await sendRotationExport({ store, notifier, clock, people }, APPROVER_ID, 'jsonl');

    expect(JSON.parse(sent[0]?.file.content.split('\n')[0] ?? '{}')).toMatchObject({ requester_id: REQUESTER_ID, requester_name: null });
  });

  it('given a store edited behind the bot\'s back, when exported, then the check says which entry', async () => {
    const store = await storeWith(aRotationIn('approved', { id: 'ROT-AAAAAA' }));
    const keyv = (store as unknown as { keyv: { get(k: string): Promise<Rotation>; set(k: string, v: unknown): Promise<unknown> } }).keyv;
    const raw = await keyv.get('rotation:ROT-AAAAAA');
    await keyv.set('rotation:ROT-AAAAAA', { ...raw, history: raw.history.slice(0, 1), status: 'requested' });

    await sendRotationExport({ store, notifier, clock }, APPROVER_ID);

    expect(sent[0]?.file.audit.findings).toEqual([expect.objectContaining({ rotationId: 'ROT-AAAAAA', index: 1, problem: 'entry_removed' })]);
  });
});
