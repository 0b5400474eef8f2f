import { validateRotationRequest, type RawRotationRequest } from '../../../src/domain/rotation-request';
import { SECRET_REFUSAL } from '../../../src/domain/secret-detector';

// Today is Friday 2026-03-06. Three years ahead is round(3 × 365.25) = 1096 days: 2026-03-06 + 365 = 2027-03-06,
// + 366 (29 Feb 2028) = 2028-03-06, + 365 = 2029-03-06, the latest deadline accepted.
const CONTEXT = { instanceDomain: 'wfi.pega.com', today: '2026-03-06' };

const VALID: RawRotationRequest = {
  instanceUrl: 'https://acme.wfi.pega.com',
  environmentType: 'Production',
  deadline: '2026-03-20',
  channelId: 'C0123ABCD',
  attendeeIds: ['U0AAAAAAA'],
};

function errorsOf(raw: RawRotationRequest): Record<string, string> {
  const result = validateRotationRequest(raw, CONTEXT);
  if (result.ok) throw new Error('expected the request to be refused');
  return result.errors as Record<string, string>;
}

function users(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `U${String(i + 1).padStart(8, '0')}`);
}

describe('validateRotationRequest', () => {
  describe('a valid request', () => {
    it('given messy but valid input, when validated, then the request is normalised', () => {
      const result = validateRotationRequest(
        {
          instanceUrl: ' ACME.wfi.pega.com/ ',
          environmentType: 'Staging',
          deadline: '2026-03-20',
          channelId: 'C0123ABCD',
          attendeeIds: ['U0AAAAAAA', 'U0BBBBBBB', 'U0AAAAAAA'],
          notes: '  Policy SEC-7 requires a yearly rotation  ',
        },
        CONTEXT,
      );

      expect(result).toStrictEqual({
        ok: true,
        request: {
          instanceUrl: 'https://acme.wfi.pega.com',
          environmentType: 'Staging',
          deadline: '2026-03-20',
          channelId: 'C0123ABCD',
          attendeeIds: ['U0AAAAAAA', 'U0BBBBBBB'],
          notes: 'Policy SEC-7 requires a yearly rotation',
        },
      });
    });

    it('given no environment type, when validated, then it defaults to Production', () => {
      const { environmentType: _environmentType, ...raw } = VALID;
      const result = validateRotationRequest(raw, CONTEXT);

      expect(result.ok && result.request.environmentType).toBe('Production');
    });

    it('given blank notes, when validated, then the request has no notes field', () => {
      const result = validateRotationRequest({ ...VALID, notes: '   ' }, CONTEXT);

      expect(result).toStrictEqual({
        ok: true,
        request: {
          instanceUrl: 'https://acme.wfi.pega.com',
          environmentType: 'Production',
          deadline: '2026-03-20',
          channelId: 'C0123ABCD',
          attendeeIds: ['U0AAAAAAA'],
        },
      });
    });

    it.each(['Production', 'Staging', 'Test', 'Development'])('given environment type %s, when validated, then it is accepted', (type) => {
      expect(validateRotationRequest({ ...VALID, environmentType: type }, CONTEXT).ok).toBe(true);
    });

    it('given a private channel (G…), when validated, then it is accepted', () => {
      expect(validateRotationRequest({ ...VALID, channelId: 'G0123ABCD' }, CONTEXT).ok).toBe(true);
    });

    it('given an Enterprise Grid user (W…), when validated, then it is accepted', () => {
      expect(validateRotationRequest({ ...VALID, attendeeIds: ['W0123ABCD'] }, CONTEXT).ok).toBe(true);
    });
  });

  describe('field errors, keyed by field', () => {
    it('given no instance URL, when validated, then only instanceUrl has an error', () => {
      const { instanceUrl: _instanceUrl, ...raw } = VALID;
      expect(errorsOf(raw)).toEqual({ instanceUrl: 'Enter the instance URL, e.g. https://acme.wfi.pega.com' });
    });

    it('given an instance URL on another domain, when validated, then instanceUrl says what shape it must have', () => {
      expect(errorsOf({ ...VALID, instanceUrl: 'https://acme.example.com' })).toEqual({
        instanceUrl: 'The instance URL must be https://<name>.wfi.pega.com, e.g. https://acme.wfi.pega.com',
      });
    });

    it('given an unknown environment type, when validated, then environmentType lists the choices', () => {
      expect(errorsOf({ ...VALID, environmentType: 'Prod' })).toEqual({
        environmentType: 'Choose one of: Production, Staging, Test, Development',
      });
    });

    it('given no deadline, when validated, then deadline asks for it', () => {
      const { deadline: _deadline, ...raw } = VALID;
      expect(errorsOf(raw)).toEqual({ deadline: 'Pick the deadline from your security policy' });
    });

    it.each(['2026-02-30', '20/03/2026', '2026-3-20'])('given deadline %j (not a date), when validated, then deadline asks for YYYY-MM-DD', (deadline) => {
      expect(errorsOf({ ...VALID, deadline })).toEqual({ deadline: 'Enter the deadline as a date (YYYY-MM-DD)' });
    });

    it.each([
      ['2026-03-06', 'today'],
      ['2026-03-05', 'yesterday'],
      ['2025-12-31', 'last year'],
    ])('given deadline %s (%s), when validated, then it must be in the future', (deadline) => {
      expect(errorsOf({ ...VALID, deadline })).toEqual({ deadline: 'The deadline must be a future date (today is Fri 6 Mar 2026)' });
    });

    it('given deadline tomorrow, when validated, then it is accepted (late, but valid)', () => {
      expect(validateRotationRequest({ ...VALID, deadline: '2026-03-07' }, CONTEXT).ok).toBe(true);
    });

    it('given the deadline exactly three years ahead, when validated, then it is accepted', () => {
      expect(validateRotationRequest({ ...VALID, deadline: '2029-03-06' }, CONTEXT).ok).toBe(true);
    });

    it('given the deadline a day beyond three years, when validated, then it asks to check the year', () => {
      expect(errorsOf({ ...VALID, deadline: '2029-03-07' })).toEqual({
        deadline: 'The deadline is more than 3 years away; check the year',
      });
    });

    it.each<[string | undefined, string]>([
      [undefined, 'missing'],
      ['', 'empty'],
      ['#wfi-ops', 'a channel name'],
      ['U0123ABCD', 'a user ID'],
      ['c0123abcd', 'lower case'],
    ])('given channel %j (%s), when validated, then channelId asks for the channel', (channelId) => {
      expect(errorsOf({ ...VALID, channelId })).toEqual({ channelId: 'Choose the channel for reminders' });
    });

    it.each([[undefined], [[]]])('given attendees %j, when validated, then attendeeIds asks for at least one person', (attendeeIds) => {
      expect(errorsOf({ ...VALID, attendeeIds })).toEqual({
        attendeeIds: 'Choose at least one person to attend the handoff meeting',
      });
    });

    it('given 21 different attendees, when validated, then attendeeIds allows at most 20', () => {
      expect(errorsOf({ ...VALID, attendeeIds: users(21) })).toEqual({ attendeeIds: 'Choose at most 20 people' });
    });

    it('given exactly 20 attendees, when validated, then they are accepted', () => {
      const result = validateRotationRequest({ ...VALID, attendeeIds: users(20) }, CONTEXT);
      expect(result.ok && result.request.attendeeIds).toHaveLength(20);
    });

    it('given 21 picks of which one is repeated, when validated, then the 20 people are accepted once each', () => {
      const picks = [...users(20), 'U00000001'];
      const result = validateRotationRequest({ ...VALID, attendeeIds: picks }, CONTEXT);

      expect(result.ok && result.request.attendeeIds).toEqual(users(20));
    });

    it.each([
      [['alice'], 'a name'],
      [['@alice'], 'a mention'],
      [['U0AAAAAAA', 'C0123ABCD'], 'a channel among users'],
      [['u0aaaaaaa'], 'lower case'],
    ])('given attendees %j (%s), when validated, then attendeeIds asks for people from the workspace', (attendeeIds) => {
      expect(errorsOf({ ...VALID, attendeeIds })).toEqual({ attendeeIds: 'Choose people from the workspace' });
    });

    it('given 2001 characters of notes, when validated, then notes gives the limit and the length', () => {
      expect(errorsOf({ ...VALID, notes: 'x'.repeat(2001) })).toEqual({
        notes: 'Notes may be at most 2000 characters (2001 now)',
      });
    });

    it('given 2000 characters of notes padded with spaces, when validated, then they fit once trimmed', () => {
      const result = validateRotationRequest({ ...VALID, notes: `  ${'x'.repeat(2000)}  ` }, CONTEXT);
      expect(result.ok && result.request.notes).toHaveLength(2000);
    });

    it.each([
      ['client_secret=abc', 'an assignment'],
      ['old one was aB3dE5gH7jK9mN1pQ3sT5vW7', 'a long mixed token'],
    ])('given notes with %j (%s), when validated, then notes is refused with the secret refusal', (notes) => {
      expect(errorsOf({ ...VALID, notes })).toEqual({ notes: SECRET_REFUSAL });
    });
  });

  describe('the secret pasted into the instance URL field', () => {
    it('given the secret as the instance URL, when validated, then instanceUrl says it looks like a secret, not that the URL is malformed', () => {
      // As a URL it is only "not on the instance domain"; the refusal tells the person what they actually pasted.
      expect(errorsOf({ ...VALID, instanceUrl: 'aB3dE5gH7jK9mN1pQ3sT5vW7' })).toEqual({ instanceUrl: SECRET_REFUSAL });
    });
  });

  describe('rotate again every (rotationIntervalDays)', () => {
    it.each<[string | undefined, string]>([
      [undefined, 'missing'],
      ['0', 'the None option'],
    ])('given interval %j (%s), when validated, then the request has no interval', (rotationIntervalDays) => {
      const result = validateRotationRequest({ ...VALID, rotationIntervalDays }, CONTEXT);

      expect(result.ok).toBe(true);
      expect(result.ok && result.request).not.toHaveProperty('rotationIntervalDays');
    });

    it.each<[string, number]>([
      ['90', 90],
      ['180', 180],
      ['365', 365],
      ['1', 1],
      ['120', 120],
      ['3650', 3650],
    ])('given interval %j, when validated, then the request rotates again every %i days', (rotationIntervalDays, days) => {
      const result = validateRotationRequest({ ...VALID, rotationIntervalDays }, CONTEXT);

      expect(result).toStrictEqual({
        ok: true,
        request: {
          instanceUrl: 'https://acme.wfi.pega.com',
          environmentType: 'Production',
          deadline: '2026-03-20',
          channelId: 'C0123ABCD',
          attendeeIds: ['U0AAAAAAA'],
          rotationIntervalDays: days,
        },
      });
    });

    it.each([
      ['3651', 'past the 10-year bound'],
      ['-90', 'negative'],
      ['90.5', 'fractional'],
      ['90.0', 'a decimal'],
      ['9e1', 'an exponent'],
      ['0x5a', 'hexadecimal'],
      ['090', 'a leading zero'],
      [' 90', 'padded'],
      ['', 'empty'],
      ['00', 'zeroes'],
      ['ninety', 'a word'],
      ['99999999999999999999', 'huge'],
    ])('given interval %j (%s), when validated, then rotationIntervalDays has an error', (rotationIntervalDays) => {
      expect(errorsOf({ ...VALID, rotationIntervalDays })).toEqual({
        rotationIntervalDays: 'Choose how often to rotate again: none, or 1 to 3650 days',
      });
    });
  });

  describe('several errors at once', () => {
    it('given an empty form, when validated, then every required field has its own error', () => {
      expect(errorsOf({})).toEqual({
        instanceUrl: 'Enter the instance URL, e.g. https://acme.wfi.pega.com',
        deadline: 'Pick the deadline from your security policy',
        channelId: 'Choose the channel for reminders',
        attendeeIds: 'Choose at least one person to attend the handoff meeting',
      });
    });

    it('given every field wrong, when validated, then all seven errors come back together', () => {
      expect(
        Object.keys(
          errorsOf({
            instanceUrl: 'http://acme.wfi.pega.com',
            environmentType: 'Prod',
            deadline: '2026-03-01',
            channelId: '#general',
            attendeeIds: ['alice'],
            notes: 'password=hunter2',
            rotationIntervalDays: '-1',
          }),
        ).sort(),
      ).toEqual(['attendeeIds', 'channelId', 'deadline', 'environmentType', 'instanceUrl', 'notes', 'rotationIntervalDays']);
    });
  });
});
