import { MEETING_PLATFORMS } from '../../../src/domain/rotation';
import { SECRET_REFUSAL } from '../../../src/domain/secret-detector';
import {
  checkConfirmations,
  checkMeeting,
  checkReason,
  checkSubmission,
  JOIN_LINK_HOST_ERROR,
  STEP_LIMITS,
  wallClockToInstant,
  type MeetingInput,
} from '../../../src/domain/step-inputs';

describe('checkReason', () => {
  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['only spaces and a newline', '   \n '],
  ])('given %s, when checked, then a reason is asked for', (_what, text) => {
    expect(checkReason(text)).toEqual({ ok: false, errors: { reason: 'Give a short reason' } });
  });

  it('given a reason with surrounding spaces, when checked, then it is accepted trimmed', () => {
    expect(checkReason('  Instance decommissioned, see CHG0042  ')).toEqual({ ok: true, value: 'Instance decommissioned, see CHG0042' });
  });

  it('given a reason of exactly the limit, when checked, then it is accepted', () => {
    expect(checkReason('a'.repeat(STEP_LIMITS.reason))).toEqual({ ok: true, value: 'a'.repeat(500) });
  });

  it('given a reason one character too long, when checked, then it says the limit and the length', () => {
    expect(checkReason('a'.repeat(501))).toEqual({
      ok: false,
      errors: { reason: 'Keep the reason under 500 characters (501 now)' },
    });
  });

  it.each([
    ['an assignment', 'rotated, client_secret=abc'],
    ['a password: pair', 'old password: hunter2 leaked'],
    ['a long mixed token', 'The new one is c2VjcmV0LXZhbHVlLTEyMzQ1Njc4OTA'],
  ])('given a reason with %s, when checked, then it is refused as a secret', (_what, text) => {
    expect(checkReason(text)).toEqual({ ok: false, errors: { reason: SECRET_REFUSAL } });
  });
});

describe('checkSubmission', () => {
  const today = '2026-02-23';

  it.each(['CS-0123456', 'INC0012345', '12345678', 'SR-2026-000123', 'CASE #12345', 'CS-123', 'CASE 123/45', 'SR#2026.0042_a', 'CS-' + '1'.repeat(37)])(
    'given case number %s and today’s date, when checked, then it is accepted',
    (caseNumber) => {
      expect(checkSubmission({ caseNumber, submittedOn: today }, { today })).toEqual({
        ok: true,
        value: { caseNumber, submittedOn: today },
      });
    },
  );

  it('given a case number of three digits, the shortest allowed, when checked, then it is accepted', () => {
    expect(checkSubmission({ caseNumber: '123', submittedOn: today }, { today })).toEqual({
      ok: true,
      value: { caseNumber: '123', submittedOn: today },
    });
  });

  it('given a case number with spaces around it and a date in the past, when checked, then it is trimmed and accepted', () => {
    expect(checkSubmission({ caseNumber: '  CS-0123456 ', submittedOn: '2026-02-20' }, { today })).toEqual({
      ok: true,
      value: { caseNumber: 'CS-0123456', submittedOn: '2026-02-20' },
    });
  });

  it.each([
    ['a single letter', 'x'],
    ['two characters', 'CS'],
    ['41 characters', 'CS-' + '1'.repeat(38)],
    ['markup', '<script>'],
    ['a trailing separator', 'CS-0123456-'],
    ['a leading separator', '#0123456'],
    ['a formula', '=HYPERLINK("x")'],
  ])('given %s as the case number, when checked, then it is refused with the expected format', (_what, caseNumber) => {
    const result = checkSubmission({ caseNumber, submittedOn: today }, { today });

    expect(result).toEqual({
      ok: false,
      errors: { caseNumber: 'That does not look like a case number (letters, digits, spaces and - _ . / # only, e.g. CS-0123456)' },
    });
  });

  it.each([undefined, '', '   '])('given no case number (%p), when checked, then it is asked for', (caseNumber) => {
    expect(checkSubmission({ caseNumber, submittedOn: today }, { today })).toEqual({
      ok: false,
      errors: { caseNumber: 'Enter the case number the portal gave you' },
    });
  });

  it.each([
    ['no digit', 'CASE'],
    ['two digits', 'CS-12'],
    ['a word with digits spread out', 'a1b2c'],
  ])('given %s in the case number, when checked, then at least 3 digits are asked for', (_what, caseNumber) => {
    expect(checkSubmission({ caseNumber, submittedOn: today }, { today })).toEqual({
      ok: false,
      errors: { caseNumber: 'A case number has at least 3 digits, e.g. CS-0123456' },
    });
  });

  it.each([
    ['a dotted secret (which the format alone would take)', 'abcd1234efgh.5678ijkl9012mnop'],
    ['a secret split by a space', 'Zq8vN3kT5wR7 yB2mC9xL4pD6'],
    ['a secret with a zero-width space inside', 'Zq8vN3kT5w\u200bR7yB2mC9xL4pD6'],
    ['a secret in full-width letters', 'Ｚｑ８ｖＮ３ｋＴ５ｗＲ７ｙＢ２ｍＣ９ｘＬ４ｐＤ６'],
    ['a 40-hex value', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ])('given %s as the case number, when checked, then it is refused as a secret, not as a format error', (_what, caseNumber) => {
    expect(checkSubmission({ caseNumber, submittedOn: today }, { today })).toEqual({
      ok: false,
      errors: { caseNumber: SECRET_REFUSAL },
    });
  });

  it('given a case number that is a long mixed token, when checked, then it is refused as a secret', () => {
    expect(checkSubmission({ caseNumber: 'aB3dE5fG7hJ9kL1mN3pQ5rS7', submittedOn: today }, { today })).toEqual({
      ok: false,
      errors: { caseNumber: SECRET_REFUSAL },
    });
  });

  it('given tomorrow as the submission date, when checked, then a future date is refused', () => {
    expect(checkSubmission({ caseNumber: 'CS-0123456', submittedOn: '2026-02-24' }, { today })).toEqual({
      ok: false,
      errors: { submittedOn: 'The submission date cannot be in the future (today is Mon 23 Feb 2026)' },
    });
  });

  it.each([undefined, '', '2026-02-30', '23/02/2026'])('given submission date %p, when checked, then a date is asked for', (submittedOn) => {
    expect(checkSubmission({ caseNumber: 'CS-0123456', submittedOn }, { today })).toEqual({
      ok: false,
      errors: { submittedOn: 'Pick the date the portal request was submitted' },
    });
  });

  it('given both fields wrong, when checked, then both errors are reported at once', () => {
    const result = checkSubmission({ caseNumber: 'x', submittedOn: '2026-03-01' }, { today });

    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(['caseNumber', 'submittedOn']);
  });
});

describe('wallClockToInstant', () => {
  const hhmmIn = (instant: Date, timeZone: string): string =>
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);

  it('given 10:00 in Berlin on Monday 2026-03-30 (summer time, +02:00), then it is 08:00Z', () => {
    expect(wallClockToInstant('2026-03-30', '10:00', 'Europe/Berlin').toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('given 10:00 in Berlin on Friday 2026-03-27 (still winter time, +01:00), then it is 09:00Z', () => {
    expect(wallClockToInstant('2026-03-27', '10:00', 'Europe/Berlin').toISOString()).toBe('2026-03-27T09:00:00.000Z');
  });

  it('given 10:00 in New York on 2026-01-15 (EST, -05:00), then it is 15:00Z', () => {
    expect(wallClockToInstant('2026-01-15', '10:00', 'America/New_York').toISOString()).toBe('2026-01-15T15:00:00.000Z');
  });

  it('given 10:00 in New York on 2026-03-09 (EDT, -04:00, the day after the US switch), then it is 14:00Z', () => {
    expect(wallClockToInstant('2026-03-09', '10:00', 'America/New_York').toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  describe('on the night Berlin skips 02:00-03:00 (Sunday 2026-03-29, 01:00Z)', () => {
    it('given the last minute before the gap (01:59 CET), then it is 00:59Z', () => {
      expect(wallClockToInstant('2026-03-29', '01:59', 'Europe/Berlin').toISOString()).toBe('2026-03-29T00:59:00.000Z');
    });

    it('given the first minute after the gap (03:00 CEST), then it is 01:00Z', () => {
      expect(wallClockToInstant('2026-03-29', '03:00', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    });

    it('given 02:30, a time that does not exist, then it is moved forward by the hour skipped: 03:30 CEST (01:30Z)', () => {
      const instant = wallClockToInstant('2026-03-29', '02:30', 'Europe/Berlin');

      // Sane: a real instant, on that morning, between 02:30 read with the summer offset (00:30Z) and with
      // the winter one (01:30Z), never before the last valid minute before the gap, and shown back as a
      // real Berlin time.
      expect(Number.isNaN(instant.getTime())).toBe(false);
      expect(instant.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-03-29T00:30:00Z'));
      expect(instant.getTime()).toBeLessThanOrEqual(Date.parse('2026-03-29T01:30:00Z'));
      expect(instant.getTime()).toBeGreaterThan(Date.parse('2026-03-29T00:59:00Z'));
      expect(instant.toISOString()).toBe('2026-03-29T01:30:00.000Z');
      expect(hhmmIn(instant, 'Europe/Berlin')).toBe('03:30');
    });
  });

  it('given 02:30 on the night Berlin repeats 02:00-03:00 (2026-10-25), then it is one of the two real 02:30s', () => {
    const instant = wallClockToInstant('2026-10-25', '02:30', 'Europe/Berlin');

    expect(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']).toContain(instant.toISOString());
    expect(hhmmIn(instant, 'Europe/Berlin')).toBe('02:30');
  });
});

describe('checkMeeting', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const valid: MeetingInput = {
    platform: 'Webex',
    date: '2026-03-30',
    time: '10:00',
    timeZone: 'Europe/Berlin',
    joinUrl: 'https://acme.webex.com/meet/handoff',
    attendeeIds: ['U0REQUESTER', 'U0ATTENDEE'],
  };
  const errorsFor = (input: MeetingInput, at: Date = now): Record<string, string> => {
    const result = checkMeeting(input, { now: at });
    if (result.ok) throw new Error('expected field errors');
    return result.errors;
  };

  it('given every field filled in, when checked, then the meeting starts at the instant the wall clock denotes', () => {
    expect(checkMeeting(valid, { now })).toEqual({
      ok: true,
      value: {
        platform: 'Webex',
        startsAt: '2026-03-30T08:00:00.000Z',
        timeZone: 'Europe/Berlin',
        joinUrl: 'https://acme.webex.com/meet/handoff',
        attendeeIds: ['U0REQUESTER', 'U0ATTENDEE'],
      },
    });
  });

  it('given 02:30 on the Berlin spring-forward night, when checked, then the meeting is accepted at 03:30 CEST', () => {
    const result = checkMeeting({ ...valid, date: '2026-03-29', time: '02:30' }, { now });

    expect(result.ok && result.value.startsAt).toBe('2026-03-29T01:30:00.000Z');
  });

  it('given 10:00 New York in January, when checked, then it starts at 15:00Z', () => {
    const result = checkMeeting({ ...valid, date: '2026-01-15', timeZone: 'America/New_York' }, { now: new Date('2026-01-01T00:00:00Z') });

    expect(result.ok && result.value).toMatchObject({ startsAt: '2026-01-15T15:00:00.000Z', timeZone: 'America/New_York' });
  });

  it.each([...MEETING_PLATFORMS])('given platform %s, when checked, then it is accepted', (platform) => {
    expect(checkMeeting({ ...valid, platform }, { now }).ok).toBe(true);
  });

  it.each([undefined, '', 'Zoom', 'webex'])('given platform %p, when checked, then the platforms on offer are listed', (platform) => {
    expect(errorsFor({ ...valid, platform })).toEqual({ platform: 'Choose one of: Webex, Microsoft Teams, Skype, Other' });
  });

  it.each(['00:00', '23:59', '09:05'])('given time %s, when checked, then it is accepted', (time) => {
    expect(checkMeeting({ ...valid, time }, { now }).ok).toBe(true);
  });

  it.each([undefined, '', '25:00', '24:00', '9:00', '10:60', '10:00:00', '10h00'])(
    'given time %p, when checked, then a time is asked for',
    (time) => {
      expect(errorsFor({ ...valid, time })).toEqual({ time: 'Pick the meeting time' });
    },
  );

  it.each([undefined, '', '2026-02-30', '30/03/2026'])('given date %p, when checked, then a date is asked for', (date) => {
    expect(errorsFor({ ...valid, date })).toEqual({ date: 'Pick the meeting date' });
  });

  it('given a date that does not exist, checked after the day it would roll over to, then the date is asked for, not a future one', () => {
    // 2026-02-30 would roll over to Monday 03-02, which is past on 03-10: the start is judged only once date, time and zone are all valid.
    expect(errorsFor({ ...valid, date: '2026-02-30' }, new Date('2026-03-10T00:00:00Z'))).toEqual({ date: 'Pick the meeting date' });
  });

  it.each([undefined, '', 'Mars/Olympus_Mons', 'Berlin', 'CEST+2'])('given time zone %p, when checked, then a zone is asked for', (timeZone) => {
    expect(errorsFor({ ...valid, timeZone })).toEqual({ timeZone: 'Choose a time zone' });
  });

  it('given a start one minute ago, when checked, then the meeting must be in the future', () => {
    expect(errorsFor(valid, new Date('2026-03-30T08:01:00Z'))).toEqual({ date: 'The meeting must be in the future' });
  });

  it('given a start exactly now, when checked, then it is not in the future', () => {
    expect(errorsFor(valid, new Date('2026-03-30T08:00:00Z'))).toEqual({ date: 'The meeting must be in the future' });
  });

  it('given a start one minute ahead, when checked, then it is accepted', () => {
    expect(checkMeeting(valid, { now: new Date('2026-03-30T07:59:00Z') }).ok).toBe(true);
  });

  describe('the join link', () => {
    const linkError = { joinUrl: 'The join link must be an https:// link (or leave it empty)' };

    it.each([undefined, '', '   '])('given no link (%p), when checked, then the meeting has none', (joinUrl) => {
      const result = checkMeeting({ ...valid, joinUrl }, { now });

      expect(result.ok).toBe(true);
      expect(result.ok && result.value).not.toHaveProperty('joinUrl');
    });

    it('given an https link with an upper-case host and spaces around it, when checked, then it is kept normalised', () => {
      const result = checkMeeting({ ...valid, joinUrl: ' https://ACME.webex.com/meet/handoff?pwd=x ' }, { now });

      expect(result.ok && result.value.joinUrl).toBe('https://acme.webex.com/meet/handoff?pwd=x');
    });

    it.each([
      ['plain http', 'http://acme.webex.com/meet/handoff'],
      ['a javascript: URL', 'javascript:alert(1)'],
      ['no scheme', 'acme.webex.com/meet/handoff'],
      ['another scheme', 'ftp://acme.webex.com/handoff'],
      ['not a link at all', 'see the invite'],
      ['over 500 characters', 'https://acme.webex.com/' + 'a'.repeat(480)],
    ])('given %s, when checked, then https is asked for', (_what, joinUrl) => {
      expect(errorsFor({ ...valid, joinUrl })).toEqual(linkError);
    });
  });

  describe('where the join link points', () => {
    it('given a link of exactly 500 characters, the limit, when checked, then it is accepted', () => {
      const joinUrl = `https://acme.webex.com/meet/${'a'.repeat(472)}`;
      expect(joinUrl).toHaveLength(STEP_LIMITS.joinUrl);

      expect(checkMeeting({ ...valid, joinUrl }, { now })).toMatchObject({ ok: true, value: { joinUrl } });
    });

    it.each([
      ['a Webex site', 'https://acme.webex.com/acme/j.php?MTID=m8f2c1e4b7a9d3f6e0b5c8a2d4f7e1b3c'],
      ['Webex itself', 'https://webex.com/meet/jane.doe'],
      ['a deeper Webex subdomain', 'https://acme.my.webex.com/meet/handoff'],
      ['Microsoft Teams', 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0'],
      ['Teams for personal accounts', 'https://teams.live.com/meet/9876543210'],
      ['Zoom', 'https://zoom.us/j/81234567890'],
      ['a Zoom subdomain, with a passcode', 'https://us02web.zoom.us/j/81234567890?pwd=aBcDeF1234567890GhIjKlMnOpQrStUv.1'],
      ['zoom.com', 'https://zoom.com/j/81234567890?passcode=482913'],
      ['Skype', 'https://join.skype.com/AbCdEfGh1234'],
      ['skype.com itself', 'https://skype.com/meet/handoff'],
    ])('given a link to %s, when checked, then it is accepted', (_what, joinUrl) => {
      const result = checkMeeting({ ...valid, joinUrl }, { now });

      expect(result.ok && result.value.joinUrl).toBe(joinUrl);
    });

    it.each([
      ['a host that only starts with webex.com', 'https://webex.com.evil.io/meet/handoff'],
      ['a host that only ends in webex.com', 'https://evilwebex.com/meet/handoff'],
      ['zoom.us as a user name before another host', 'https://zoom.us@evil.io/j/81234567890'],
      ['teams.microsoft.com under another domain', 'https://teams.microsoft.com.evil.io/l/meetup-join/abc'],
      ['another Microsoft host', 'https://login.microsoftonline.com/common/oauth2/authorize'],
      ['a Cyrillic look-alike of webex.com', 'https://acme.w\u0435bex.com/meet/handoff'],
      ['a meeting host not on the list', 'https://meet.google.com/abc-defg-hij'],
      ['a host in WFI_MEETING_HOSTS that is not configured', 'https://meet.acme.com/r/handoff'],
    ])('given %s, when checked, then the allowed hosts are named', (_what, joinUrl) => {
      expect(errorsFor({ ...valid, joinUrl })).toEqual({ joinUrl: JOIN_LINK_HOST_ERROR });
    });

    it('given the host error, when read, then it names every allowed platform and the variable for more', () => {
      expect(JOIN_LINK_HOST_ERROR).toBe('The join link must be a Webex, Microsoft Teams, Zoom or Skype link (or a host in WFI_MEETING_HOSTS)');
    });

    it.each([
      ['the configured host', 'https://meet.acme.com/r/handoff'],
      ['a subdomain of it', 'https://eu.meet.acme.com/r/handoff'],
    ])('given %s in meetingHosts, when checked, then it is accepted', (_what, joinUrl) => {
      expect(checkMeeting({ ...valid, joinUrl }, { now, meetingHosts: ['meet.acme.com'] }).ok).toBe(true);
    });

    it.each([
      ['a host that only starts with the configured one', 'https://meet.acme.com.evil.io/r/handoff'],
      ['a host that only ends in it', 'https://evilmeet.acme.com/r/handoff'],
      ['its parent domain', 'https://acme.com/r/handoff'],
    ])('given %s, when checked with meet.acme.com configured, then it is refused', (_what, joinUrl) => {
      const result = checkMeeting({ ...valid, joinUrl }, { now, meetingHosts: ['meet.acme.com'] });

      expect(!result.ok && result.errors).toEqual({ joinUrl: JOIN_LINK_HOST_ERROR });
    });

    it('given plain http to a host not on the list, when checked, then https is asked for first', () => {
      expect(errorsFor({ ...valid, joinUrl: 'http://evil.io/meet' })).toEqual({ joinUrl: 'The join link must be an https:// link (or leave it empty)' });
    });

    it.each([
      ['token=', 'token=abc'],
      ['access_token=', 'access_token=abc'],
      ['api_key=', 'api_key=abc'],
      ['apikey=', 'apikey=abc'],
      ['an upper-case API_KEY=', 'API_KEY=abc'],
      ['client_secret=', 'client_secret=abc'],
      ['secret=', 'Secret=abc'],
      ['password=', 'password=hunter2'],
      ['a zero-width space inside password=', 'pass\u200bword=hunter2'],
    ])('given a Webex link with %s, when checked, then it is refused as a secret', (_what, param) => {
      expect(errorsFor({ ...valid, joinUrl: `https://acme.webex.com/meet/handoff?${param}` })).toEqual({ joinUrl: SECRET_REFUSAL });
    });

    it.each(['pwd=Xy7pQ2mNa8Rt', 'PWD=Xy7pQ2mNa8Rt', 'passcode=482913', 'token='])(
      'given a Webex link with %s, when checked, then it is accepted',
      (param) => {
        expect(checkMeeting({ ...valid, joinUrl: `https://acme.webex.com/meet/handoff?${param}` }, { now }).ok).toBe(true);
      },
    );

    it('given a link with invisible characters and full-width letters, when checked, then it is kept as it reads', () => {
      const result = checkMeeting({ ...valid, joinUrl: 'https://acme.ｗｅｂｅｘ.com/meet/hand\u200boff' }, { now });

      expect(result.ok && result.value.joinUrl).toBe('https://acme.webex.com/meet/handoff');
    });
  });

  describe('the attendees', () => {
    const people = (count: number): string[] => Array.from({ length: count }, (_, i) => `U0PERSON${String(i).padStart(2, '0')}`);

    it.each([
      ['nobody', []],
      ['no list', undefined],
    ])('given %s, when checked, then someone is asked for', (_what, attendeeIds) => {
      expect(errorsFor({ ...valid, attendeeIds })).toEqual({ attendeeIds: 'Choose who attends the handoff' });
    });

    it('given 20 people, when checked, then they are accepted', () => {
      const result = checkMeeting({ ...valid, attendeeIds: people(20) }, { now });

      expect(result.ok && result.value.attendeeIds).toHaveLength(20);
    });

    it('given 21 people, when checked, then at most 20 are allowed', () => {
      expect(errorsFor({ ...valid, attendeeIds: people(21) })).toEqual({ attendeeIds: 'Choose at most 20 people' });
    });

    it('given 21 entries of which two are the same person, when checked, then the 20 people are accepted', () => {
      const twenty = people(20);

      const result = checkMeeting({ ...valid, attendeeIds: [...twenty, twenty[0] ?? ''] }, { now });

      expect(result.ok && result.value.attendeeIds).toEqual(twenty);
    });

    it('given the same person twice, when checked, then they are listed once, in the order first given', () => {
      const result = checkMeeting({ ...valid, attendeeIds: ['U0B', 'U0A', 'U0B'] }, { now });

      expect(result.ok && result.value.attendeeIds).toEqual(['U0B', 'U0A']);
    });

    it.each([
      ['a name', ['alice']],
      ['a channel', ['C0ROTATIONS']],
      ['a user group', ['S0APPROVERS']],
      ['a lower-case id', ['u0requester']],
      ['one bad id among good ones', ['U0REQUESTER', '']],
    ])('given %s, when checked, then people from the workspace are asked for', (_what, attendeeIds) => {
      expect(errorsFor({ ...valid, attendeeIds })).toEqual({ attendeeIds: 'Choose people from the workspace' });
    });

    it('given an enterprise user id (W…), when checked, then it is accepted', () => {
      expect(checkMeeting({ ...valid, attendeeIds: ['W0ENTERPRISE'] }, { now }).ok).toBe(true);
    });
  });

  it('given an empty form, when checked, then every required field is reported at once', () => {
    expect(Object.keys(errorsFor({})).sort()).toEqual(['attendeeIds', 'date', 'platform', 'time', 'timeZone']);
  });

  it('given a past start and a bad link, when checked, then both are reported', () => {
    expect(Object.keys(errorsFor({ ...valid, joinUrl: 'http://x' }, new Date('2026-04-01T00:00:00Z'))).sort()).toEqual(['date', 'joinUrl']);
  });
});

describe('checkConfirmations', () => {
  it('given the ticked boxes and values that are not confirmations, when checked, then only the known ones are kept, in order', () => {
    expect(checkConfirmations(['integrations', 'bogus', 'vault', '__proto__', 'toString', 'VAULT'])).toEqual(['integrations', 'vault']);
  });

  it('given nothing ticked, when checked, then there are none', () => {
    expect(checkConfirmations(undefined)).toEqual([]);
    expect(checkConfirmations([])).toEqual([]);
  });

  it('given the same box twice (a replayed payload), when checked, then it is kept once', () => {
    expect(checkConfirmations(['vault', 'oldSecretRetired', 'vault'])).toEqual(['vault', 'oldSecretRetired']);
  });
});
