import { duration, parseICalendar, text, theEvent, unfold } from '../../support/icalendar';

/** The tests' iCalendar reader must refuse what RFC 5545 does not allow, or the handoff tests would prove nothing. */
const lines = (...content: string[]) => `${content.join('\r\n')}\r\n`;
const calendar = (...event: string[]) =>
  lines('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:1@test', 'DTSTAMP:20260301T100000Z', ...event, 'END:VEVENT', 'END:VCALENDAR');

describe('the tests\' iCalendar reader', () => {
  it('reads a well-formed event: folded lines joined, text unescaped, a UTC start, a duration', () => {
    const event = theEvent(calendar('DTSTART:20260324T140000Z', 'DURATION:PT1H30M', 'DESCRIPTION:one\\, two\\; three\\nfour \\\\ fi', '\tve six'));

    expect(event.start.toISOString()).toBe('2026-03-24T14:00:00.000Z');
    expect(event.end?.toISOString()).toBe('2026-03-24T15:30:00.000Z');
    expect(event.description).toBe('one, two; three\nfour \\ five six');
  });

  it.each<[string, string]>([
    ['a bare LF', 'BEGIN:VCALENDAR\nVERSION:2.0\r\n'],
    ['no CRLF at the end', 'BEGIN:VCALENDAR'],
    ['a line over 75 octets', lines(`DESCRIPTION:${'x'.repeat(64)}`)],
    ['a line over 75 octets in multi-byte characters', lines(`DESCRIPTION:${'é'.repeat(40)}`)],
    ['a continuation first', lines(' BEGIN:VCALENDAR')],
  ])('refuses %s', (_what, input) => {
    expect(() => unfold(input)).toThrow();
  });

  it.each<[string, string]>([
    ['a floating start (no Z, no TZID)', calendar('DTSTART:20260324T140000')],
    ['a TZID no VTIMEZONE defines', calendar('DTSTART;TZID=Europe/Berlin:20260324T150000')],
    ['a start that is no DATE-TIME', calendar('DTSTART:2026-03-24T14:00:00Z')],
    ['a missing DTSTART', calendar()],
    ['two DTSTARTs', calendar('DTSTART:20260324T140000Z', 'DTSTART:20260324T150000Z')],
    ['both DTEND and DURATION', calendar('DTSTART:20260324T140000Z', 'DTEND:20260324T150000Z', 'DURATION:PT1H')],
    ['an unescaped comma in a text', calendar('DTSTART:20260324T140000Z', 'SUMMARY:a, b')],
    ['an unknown escape in a text', calendar('DTSTART:20260324T140000Z', 'SUMMARY:a \\x b')],
    ['a mismatched END', lines('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'END:VCALENDAR')],
    ['no VERSION', lines('BEGIN:VCALENDAR', 'PRODID:x', 'END:VCALENDAR')],
    ['a second calendar', lines('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'END:VCALENDAR', 'BEGIN:VCALENDAR', 'END:VCALENDAR')],
  ])('refuses a calendar with %s', (_what, input) => {
    expect(() => theEvent(input)).toThrow();
  });

  it('reads quoted parameters, which may hold ; and :', () => {
    const calendarWithQuotes = lines('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'X-TEST;A="b;c:d";E=f:value', 'END:VCALENDAR');

    expect(parseICalendar(calendarWithQuotes).properties.at(-1)).toEqual({ name: 'X-TEST', params: { A: 'b;c:d', E: 'f' }, value: 'value' });
  });

  it.each([
    ['PT1H', 3_600_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['-PT15M', -900_000],
  ])('reads the duration %s', (value, ms) => {
    expect(duration(value)).toBe(ms);
  });

  it.each(['P', 'PT', '1H', 'PT1.5H'])('refuses the duration %s', (value) => {
    expect(() => duration(value)).toThrow();
  });

  it('refuses a dangling backslash in a text', () => {
    expect(() => text('end\\')).toThrow();
  });
});
