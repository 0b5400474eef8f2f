import { earliestPlanFrom, MIN_RETENTION_DAYS, retentionCutoff } from '../../../src/domain/retention';

// From Friday 2026-03-20 10:00Z (UTC has no DST, so a day is always 24 h): 7 days back is Friday 03-13,
// 90 days back is Saturday 2025-12-20 (20 days of March, 28 of February, 31 of January, 11 of December).
const NOW = new Date('2026-03-20T10:00:00Z');

describe('retentionCutoff', () => {
  it('given the default 90 days, when the cutoff is read, then it is exactly 90 days before now, to the millisecond', () => {
    expect(retentionCutoff(NOW, 90).toISOString()).toBe('2025-12-20T10:00:00.000Z');
  });

  it('given the shortest retention, when the cutoff is read, then it is exactly 7 days before now', () => {
    expect(retentionCutoff(NOW, MIN_RETENTION_DAYS).toISOString()).toBe('2026-03-13T10:00:00.000Z');
  });

  it('given a longer retention, when the cutoff is read, then it lies further back: more rows are kept', () => {
    expect(retentionCutoff(NOW, 365).getTime()).toBeLessThan(retentionCutoff(NOW, 90).getTime());
  });
});

describe('earliestPlanFrom', () => {
  it('given now, when read, then it is MIN_RETENTION_DAYS (7) before now, the shortest retention cutoff', () => {
    // A key planned from here on finished after any cutoff the store may prune at, so it is never pruned and planned again.
    expect(earliestPlanFrom(NOW).toISOString()).toBe('2026-03-13T10:00:00.000Z');
    expect(earliestPlanFrom(NOW)).toEqual(retentionCutoff(NOW, MIN_RETENTION_DAYS));
  });
});
