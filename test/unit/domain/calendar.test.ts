import {
  addCalendarDays,
  businessDayOnOrAfter,
  businessDayOnOrBefore,
  businessDaysBetween,
  formatCalendarDate,
  isBusinessDay,
  isCalendarDate,
  subtractBusinessDays,
  submitByDate,
  todayIn,
  type BusinessCalendar,
} from '../../../src/domain/calendar';

// Reference weekdays (worked out by hand from Sunday 2026-03-01):
// March 2026: Fri 06, Sat 07, Sun 08, Mon 09, Fri 13, Mon 16, Fri 20, Sat 21, Sun 22, Fri 27, Sun 29, Mon 30.
// Fri 2026-02-27; Fri 2026-12-25; Thu 2026-12-31; Fri 2027-01-01; Sat 2027-01-02; Fri 2027-01-08.

function calendar(holidays: string[] = [], timeZone = 'UTC'): BusinessCalendar {
  return { timeZone, holidays: new Set(holidays) };
}

const LEAD = 10;

describe('isCalendarDate', () => {
  it.each(['2026-03-06', '2026-12-31', '2028-02-29'])('given %s (a real date), when checked, then it is a calendar date', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each([
    ['2026-02-30', 'no 30 February'],
    ['2026-02-29', '2026 is not a leap year'],
    ['2026-04-31', 'April has 30 days'],
    ['2026-13-01', 'no month 13'],
    ['2026-00-10', 'no month 0'],
    ['2026-03-00', 'no day 0'],
    ['2026-3-6', 'no zero padding'],
    ['26-03-06', 'two-digit year'],
    ['2026/03/06', 'slashes'],
    ['20260306', 'no separators'],
    ['2026-03-06T00:00:00Z', 'an instant, not a date'],
    [' 2026-03-06', 'leading space'],
    ['', 'empty'],
    ['tomorrow', 'a word'],
  ])('given %s (%s), when checked, then it is rejected', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });
});

describe('addCalendarDays', () => {
  it('given the end of February in a common year, when a day is added, then it is 1 March', () => {
    expect(addCalendarDays('2026-02-28', 1)).toBe('2026-03-01');
  });

  it('given the end of February in a leap year, when a day is added, then it is 29 February', () => {
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('given New Year, when moving one day either way, then the year changes', () => {
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2027-01-01', -1)).toBe('2026-12-31');
  });

  it('given the days around the European and US DST changes, when days are added, then each day counts once', () => {
    expect(addCalendarDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addCalendarDays('2026-03-07', 2)).toBe('2026-03-09');
  });
});

describe('isBusinessDay', () => {
  it('given a Friday, when checked, then it is a business day', () => {
    expect(isBusinessDay('2026-03-06', calendar())).toBe(true);
  });

  it('given a Saturday and a Sunday, when checked, then neither is a business day', () => {
    expect(isBusinessDay('2026-03-07', calendar())).toBe(false);
    expect(isBusinessDay('2026-03-08', calendar())).toBe(false);
  });

  it('given a Monday listed as a holiday, when checked, then it is not a business day', () => {
    expect(isBusinessDay('2026-03-16', calendar(['2026-03-16']))).toBe(false);
    expect(isBusinessDay('2026-03-16', calendar())).toBe(true);
  });
});

describe('businessDayOnOrBefore / businessDayOnOrAfter', () => {
  it('given a business day, when moved either way, then it stays', () => {
    expect(businessDayOnOrBefore('2026-03-09', calendar())).toBe('2026-03-09');
    expect(businessDayOnOrAfter('2026-03-06', calendar())).toBe('2026-03-06');
  });

  it('given a Saturday or Sunday, when moved back, then it is the Friday before', () => {
    expect(businessDayOnOrBefore('2026-03-21', calendar())).toBe('2026-03-20');
    expect(businessDayOnOrBefore('2026-03-22', calendar())).toBe('2026-03-20');
  });

  it('given a Saturday, when moved forward, then it is the Monday after', () => {
    expect(businessDayOnOrAfter('2026-03-07', calendar())).toBe('2026-03-09');
  });

  it('given a holiday Monday, when moved back, then it skips the weekend to Friday', () => {
    expect(businessDayOnOrBefore('2026-03-16', calendar(['2026-03-16']))).toBe('2026-03-13');
  });

  it('given a weekend followed by a holiday Monday, when moved forward, then it is the Tuesday', () => {
    expect(businessDayOnOrAfter('2026-03-14', calendar(['2026-03-16']))).toBe('2026-03-17');
  });

  it('given New Year as a holiday, when moved back from it, then it is the last business day of the old year', () => {
    expect(businessDayOnOrBefore('2027-01-01', calendar(['2027-01-01']))).toBe('2026-12-31');
  });
});

describe('subtractBusinessDays', () => {
  it('given a Monday, when one business day is subtracted, then it is the Friday before', () => {
    expect(subtractBusinessDays('2026-03-09', 1, calendar())).toBe('2026-03-06');
  });

  it('given a Wednesday, when five business days are subtracted, then the weekend is skipped', () => {
    expect(subtractBusinessDays('2026-03-11', 5, calendar())).toBe('2026-03-04');
  });

  it('given a negative count, when subtracted, then it moves forward over the weekend', () => {
    expect(subtractBusinessDays('2026-03-06', -1, calendar())).toBe('2026-03-09');
    expect(subtractBusinessDays('2026-03-05', -3, calendar())).toBe('2026-03-10');
  });

  it('given a holiday in the way, when subtracted, then the holiday does not count', () => {
    expect(subtractBusinessDays('2026-03-17', 1, calendar(['2026-03-16']))).toBe('2026-03-13');
  });
});

describe('submitByDate', () => {
  it('given a Friday deadline (domain.md), when the lead time is 10 business days, then submit-by is the Friday two weeks before', () => {
    expect(submitByDate('2026-03-20', LEAD, calendar())).toBe('2026-03-06');
  });

  it('given a Saturday deadline (domain.md), when computed, then it counts from the Friday and is not a day lenient', () => {
    expect(submitByDate('2026-03-21', LEAD, calendar())).toBe('2026-03-06');
  });

  it('given a Sunday deadline, when computed, then it counts from the Friday too', () => {
    expect(submitByDate('2026-03-22', LEAD, calendar())).toBe('2026-03-06');
  });

  it('given a Friday deadline and a holiday on 2026-03-16 (domain.md), when computed, then submit-by is Thursday 2026-03-05', () => {
    expect(submitByDate('2026-03-20', LEAD, calendar(['2026-03-16']))).toBe('2026-03-05');
  });

  it('given a deadline on a holiday Monday, when computed, then it counts back from the Friday before it', () => {
    expect(submitByDate('2026-03-16', LEAD, calendar(['2026-03-16']))).toBe('2026-02-27');
  });

  it('given a lead time of one business day and a Monday deadline, when computed, then submit-by is the Friday', () => {
    expect(submitByDate('2026-03-09', 1, calendar())).toBe('2026-03-06');
  });

  it('given a deadline in early January, when computed, then it counts back into December', () => {
    expect(submitByDate('2027-01-08', LEAD, calendar())).toBe('2026-12-25');
  });

  it('given Christmas and New Year as holidays, when computed across the year boundary, then both are skipped', () => {
    expect(submitByDate('2027-01-08', LEAD, calendar(['2026-12-25', '2027-01-01']))).toBe('2026-12-23');
  });

  it('given a Saturday deadline right after a holiday New Year, when computed, then it moves back past the holiday first', () => {
    expect(submitByDate('2027-01-02', LEAD, calendar())).toBe('2026-12-18');
    expect(submitByDate('2027-01-02', LEAD, calendar(['2027-01-01']))).toBe('2026-12-17');
  });

  it('given a deadline after the US DST change in a US zone, when computed across the change, then the date is unaffected', () => {
    expect(submitByDate('2026-03-13', LEAD, calendar([], 'America/Los_Angeles'))).toBe('2026-02-27');
    expect(submitByDate('2026-03-13', LEAD, calendar([], 'America/New_York'))).toBe('2026-02-27');
  });

  it('given a deadline after the European DST change in a European zone, when computed across the change, then the date is unaffected', () => {
    expect(submitByDate('2026-04-03', LEAD, calendar([], 'Europe/Berlin'))).toBe('2026-03-20');
    expect(submitByDate('2026-04-03', LEAD, calendar([], 'UTC'))).toBe('2026-03-20');
  });

  it('given a zone far from UTC, when computed, then the domain.md examples still hold', () => {
    expect(submitByDate('2026-03-20', LEAD, calendar([], 'Pacific/Kiritimati'))).toBe('2026-03-06');
    expect(submitByDate('2026-03-21', LEAD, calendar([], 'Pacific/Pago_Pago'))).toBe('2026-03-06');
  });
});

describe('businessDaysBetween', () => {
  it('given equal dates, when counted, then it is zero', () => {
    expect(businessDaysBetween('2026-03-06', '2026-03-06', calendar())).toBe(0);
  });

  it('given Monday to Friday of one week, when counted, then it counts Tuesday to Friday', () => {
    expect(businessDaysBetween('2026-03-02', '2026-03-06', calendar())).toBe(4);
  });

  it('given Friday to Monday, when counted, then the weekend is skipped', () => {
    expect(businessDaysBetween('2026-03-06', '2026-03-09', calendar())).toBe(1);
  });

  it('given the dates reversed, when counted, then the count is negative', () => {
    expect(businessDaysBetween('2026-03-06', '2026-03-02', calendar())).toBe(-4);
    expect(businessDaysBetween('2026-03-09', '2026-03-06', calendar())).toBe(-1);
  });

  it('given a range with only a weekend, when counted either way, then it is plain zero', () => {
    expect(businessDaysBetween('2026-03-06', '2026-03-08', calendar())).toBe(0);
    expect(Object.is(businessDaysBetween('2026-03-08', '2026-03-06', calendar()), 0)).toBe(true);
  });

  it('given a holiday in the range, when counted, then it does not count', () => {
    expect(businessDaysBetween('2026-03-13', '2026-03-20', calendar())).toBe(5);
    expect(businessDaysBetween('2026-03-13', '2026-03-20', calendar(['2026-03-16']))).toBe(4);
  });

  it('given a range over New Year, when counted, then it crosses the year boundary', () => {
    expect(businessDaysBetween('2026-12-31', '2027-01-04', calendar())).toBe(2);
    expect(businessDaysBetween('2026-12-31', '2027-01-04', calendar(['2027-01-01']))).toBe(1);
    expect(businessDaysBetween('2027-01-04', '2026-12-24', calendar())).toBe(-7);
  });
});

describe('todayIn', () => {
  it('given 23:30 UTC on 2026-03-06, when read in Europe/Berlin (UTC+1), then it is already 2026-03-07', () => {
    expect(todayIn(calendar([], 'Europe/Berlin'), new Date('2026-03-06T23:30:00Z'))).toBe('2026-03-07');
  });

  it('given 23:30 UTC on 2026-03-06, when read in UTC, then it is still 2026-03-06', () => {
    expect(todayIn(calendar([], 'UTC'), new Date('2026-03-06T23:30:00Z'))).toBe('2026-03-06');
  });

  it('given 05:00 UTC on 2026-03-07, when read in America/Los_Angeles (UTC-8), then it is still 2026-03-06', () => {
    expect(todayIn(calendar([], 'America/Los_Angeles'), new Date('2026-03-07T05:00:00Z'))).toBe('2026-03-06');
  });

  it('given the last and first minute of a Los Angeles day, when read there, then the date changes exactly at local midnight', () => {
    const la = calendar([], 'America/Los_Angeles');
    expect(todayIn(la, new Date('2026-03-07T07:59:59Z'))).toBe('2026-03-06');
    expect(todayIn(la, new Date('2026-03-07T08:00:00Z'))).toBe('2026-03-07');
  });

  describe('around the US DST change (Sunday 2026-03-08, 02:00 PST → 03:00 PDT)', () => {
    const la = calendar([], 'America/Los_Angeles');

    it('given 07:30 UTC on 03-08 (23:30 PST the evening before), when read in Los Angeles, then it is 2026-03-07', () => {
      expect(todayIn(la, new Date('2026-03-08T07:30:00Z'))).toBe('2026-03-07');
    });

    it('given the instants just before and after the change, when read in Los Angeles, then both are 2026-03-08', () => {
      expect(todayIn(la, new Date('2026-03-08T09:59:00Z'))).toBe('2026-03-08');
      expect(todayIn(la, new Date('2026-03-08T10:01:00Z'))).toBe('2026-03-08');
    });

    it('given 07:30 UTC on 03-09 (00:30 PDT, which would be 23:30 under PST), when read in Los Angeles, then it is 2026-03-09', () => {
      expect(todayIn(la, new Date('2026-03-09T07:30:00Z'))).toBe('2026-03-09');
    });

    it('given 06:59 UTC on 03-09 (23:59 PDT), when read in Los Angeles, then it is still 2026-03-08', () => {
      expect(todayIn(la, new Date('2026-03-09T06:59:00Z'))).toBe('2026-03-08');
    });
  });

  describe('around the European DST change (Sunday 2026-03-29, 02:00 CET → 03:00 CEST)', () => {
    const berlin = calendar([], 'Europe/Berlin');

    it('given 23:30 UTC on 03-28 (00:30 CET), when read in Berlin, then it is 2026-03-29', () => {
      expect(todayIn(berlin, new Date('2026-03-28T23:30:00Z'))).toBe('2026-03-29');
    });

    it('given the instants just before and after the change, when read in Berlin, then both are 2026-03-29', () => {
      expect(todayIn(berlin, new Date('2026-03-29T00:59:00Z'))).toBe('2026-03-29');
      expect(todayIn(berlin, new Date('2026-03-29T01:01:00Z'))).toBe('2026-03-29');
    });

    it('given 22:30 UTC on 03-29 (00:30 CEST, which would be 23:30 under CET), when read in Berlin, then it is 2026-03-30', () => {
      expect(todayIn(berlin, new Date('2026-03-29T22:30:00Z'))).toBe('2026-03-30');
    });

    it('given 21:59 UTC on 03-29 (23:59 CEST), when read in Berlin, then it is still 2026-03-29', () => {
      expect(todayIn(berlin, new Date('2026-03-29T21:59:00Z'))).toBe('2026-03-29');
    });
  });

  it('given 23:30 UTC on New Year’s Eve, when read in Berlin and in UTC, then the year differs', () => {
    const instant = new Date('2026-12-31T23:30:00Z');
    expect(todayIn(calendar([], 'Europe/Berlin'), instant)).toBe('2027-01-01');
    expect(todayIn(calendar([], 'UTC'), instant)).toBe('2026-12-31');
  });

  it('given 05:00 UTC on New Year’s Day, when read in Los Angeles, then it is still the old year', () => {
    expect(todayIn(calendar([], 'America/Los_Angeles'), new Date('2027-01-01T05:00:00Z'))).toBe('2026-12-31');
  });

  it('given 10:30 UTC, when read at UTC+14 and at UTC-11, then the two dates are two days apart', () => {
    const instant = new Date('2026-03-06T10:30:00Z');
    expect(todayIn(calendar([], 'Pacific/Kiritimati'), instant)).toBe('2026-03-07');
    expect(todayIn(calendar([], 'Pacific/Pago_Pago'), instant)).toBe('2026-03-05');
  });
});

describe('businessDaysBetween against a day-by-day count', () => {
  /** The definition, one day at a time with the runtime's own calendar: slow, and obviously right. */
  function countDayByDay(from: string, to: string, holidays: ReadonlySet<string>): number {
    const [start, end, sign] = from < to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let t = Date.parse(`${start}T00:00:00Z`) + 86_400_000; t <= Date.parse(`${end}T00:00:00Z`); t += 86_400_000) {
      const day = new Date(t);
      const iso = day.toISOString().slice(0, 10);
      if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6 && !holidays.has(iso)) count += 1;
    }
    return count === 0 ? 0 : sign * count;
  }

  it('given 2,000 seeded random ranges of up to four years, with and without holidays, when counted, then it matches', () => {
    let seed = 20261128;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const dayFrom = (base: string, offset: number) => new Date(Date.parse(`${base}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 2000; i += 1) {
      const from = dayFrom('2024-01-01', Math.floor(random() * 1500));
      const to = dayFrom(from, Math.floor(random() * 1500) - 100);
      const holidays = new Set(Array.from({ length: Math.floor(random() * 12) }, () => dayFrom('2024-01-01', Math.floor(random() * 1600))));
      const calendar = { timeZone: 'UTC', holidays };
      expect([from, to, [...holidays].sort(), businessDaysBetween(from, to, calendar)]).toEqual([from, to, [...holidays].sort(), countDayByDay(from, to, holidays)]);
    }
  });
});

describe('formatCalendarDate', () => {
  it.each([
    ['2026-03-06', 'Fri 6 Mar 2026'],
    ['2026-03-21', 'Sat 21 Mar 2026'],
    ['2026-03-22', 'Sun 22 Mar 2026'],
    ['2027-01-04', 'Mon 4 Jan 2027'],
    ['2030-03-15', 'Fri 15 Mar 2030'],
    ['2028-02-29', 'Tue 29 Feb 2028'],
    ['1999-12-31', 'Fri 31 Dec 1999'],
  ])('%s reads %s: weekday, day, month name, year', (date, expected) => {
    expect(formatCalendarDate(date)).toBe(expected);
  });

  it('agrees with Intl for every day of two years (the weekday and the month name)', () => {
    const intl = new Intl.DateTimeFormat('en-US', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2028, 0, 1); day += 86_400_000) {
      const part = (type: string) => intl.formatToParts(new Date(day)).find((p) => p.type === type)?.value;
      const date = new Date(day).toISOString().slice(0, 10);
      expect(formatCalendarDate(date)).toBe(`${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`);
    }
  });

  it('returns anything that is not a date as it is', () => {
    expect(formatCalendarDate('2026-02-30')).toBe('2026-02-30');
    expect(formatCalendarDate('soon')).toBe('soon');
  });
});
