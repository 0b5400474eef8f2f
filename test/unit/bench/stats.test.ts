import { formatMs, formatRatio, median, percentile, ratio, summarize } from '../../../bench/lib/stats';
import { CallCounter, counting } from '../../../bench/lib/counting';

describe('bench statistics', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes the nearest-rank percentile: always a measured value', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises unsorted samples without changing them', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(summarize(samples)).toEqual({ count: 5, min: 1, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
    expect(median([10, 30, 20])).toBe(20);
  });

  it('gives no ratio to nothing', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
    expect(formatRatio(1.104)).toBe('1.10×');
    expect(formatRatio(Number.NaN)).toBe('–');
    expect([formatMs(0.1234), formatMs(1.234), formatMs(12.34), formatMs(123.4)]).toEqual(['0.123', '1.23', '12.3', '123']);
  });

  it('counts calls and the rows reads hand back', async () => {
    const counter = new CallCounter();
    const store = counting(
      {
        list: async () => [1, 2, 3],
        get: async (id: string) => (id === 'a' ? { id } : undefined),
        write: async () => undefined,
      },
      'store',
      counter,
    );
    await store.list();
    await store.get('a');
    await store.get('b');
    await store.write();
    expect(counter.calls).toBe(4);
    expect(counter.rows).toBe(4);
    expect(counter.byMethod.get('store.get')).toMatchObject({ calls: 2, rows: 1 });
  });
});
