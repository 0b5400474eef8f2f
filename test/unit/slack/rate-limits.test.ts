import type { Logger } from '@slack/bolt';
import type { Clock, SharedRateCounter } from '../../../src/domain/ports';
import {
  RateLimiter,
  rateLimiters,
  SHARED_COUNT_TIMEOUT_MS,
  SharedRateLimiter,
  sharedRateLimiters,
  tooFastText,
  waitText,
  type RateLimit,
  type RateLimitVerdict,
} from '../../../src/slack/rate-limits';

/** A clock the test moves by hand, starting at Friday 2026-02-20 10:00Z. */
class TestClock implements Clock {
  private ms = Date.parse('2026-02-20T10:00:00Z');

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

const MINUTE = 60_000;
const THREE_A_MINUTE: RateLimit = { limit: 3, windowMs: MINUTE };

function limiter(rule: RateLimit = THREE_A_MINUTE): { limiter: RateLimiter; clock: TestClock } {
  const clock = new TestClock();
  return { limiter: new RateLimiter(rule, clock), clock };
}

describe('RateLimiter', () => {
  it('given 3 a minute, when 3 hits arrive at once, then all are allowed and the 4th is refused for the whole minute', () => {
    const { limiter: limits } = limiter();

    expect([limits.take('U0A'), limits.take('U0A'), limits.take('U0A')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(limits.take('U0A')).toEqual({ ok: false, retryAfterMs: MINUTE });
  });

  it('given hits at 0 s, 10 s and 20 s, when a 4th arrives at 30 s, then it may retry when the first leaves the window, 30 s later', () => {
    const { limiter: limits, clock } = limiter();
    limits.take('U0A');
    clock.advance(10_000);
    limits.take('U0A');
    clock.advance(10_000);
    limits.take('U0A');
    clock.advance(10_000);

    expect(limits.take('U0A')).toEqual({ ok: false, retryAfterMs: 30_000 });
  });

  it('given the window full, when asked 1 ms before the oldest hit leaves it, then it is refused with 1 ms to wait; at that instant, allowed', () => {
    const { limiter: limits, clock } = limiter();
    for (let i = 0; i < 3; i += 1) limits.take('U0A');

    clock.advance(MINUTE - 1);
    expect(limits.take('U0A')).toEqual({ ok: false, retryAfterMs: 1 });

    clock.advance(1);
    expect(limits.take('U0A')).toEqual({ ok: true });
  });

  it('given the oldest hit has left, when the window fills again, then the wait counts from the next-oldest hit', () => {
    const { limiter: limits, clock } = limiter();
    limits.take('U0A'); // 0 s
    clock.advance(10_000);
    limits.take('U0A'); // 10 s
    limits.take('U0A'); // 10 s
    clock.advance(50_000);

    expect(limits.take('U0A')).toEqual({ ok: true }); // 60 s: the hit at 0 s has left
    expect(limits.take('U0A')).toEqual({ ok: false, retryAfterMs: 10_000 }); // the hits at 10 s leave at 70 s
  });

  it('given refused hits, when they keep coming, then they are not counted and do not push the retry time back', () => {
    const { limiter: limits, clock } = limiter();
    for (let i = 0; i < 3; i += 1) limits.take('U0A');

    for (let second = 1; second < 60; second += 1) {
      clock.advance(1000);
      expect(limits.take('U0A')).toEqual({ ok: false, retryAfterMs: MINUTE - second * 1000 });
    }
    clock.advance(1000);
    expect(limits.take('U0A')).toEqual({ ok: true });
  });

  it('given one person at the limit, when someone else asks, then they have their own window', () => {
    const { limiter: limits } = limiter();
    for (let i = 0; i < 3; i += 1) limits.take('U0A');

    expect(limits.take('U0A').ok).toBe(false);
    expect([limits.take('U0B'), limits.take('U0B'), limits.take('U0B')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(limits.take('U0B')).toEqual({ ok: false, retryAfterMs: MINUTE });
  });

  it('given a full window, when a whole window has passed without hits, then the full limit is available again', () => {
    const { limiter: limits, clock } = limiter();
    for (let i = 0; i < 3; i += 1) limits.take('U0A');

    clock.advance(5 * MINUTE);

    expect([limits.take('U0A'), limits.take('U0A'), limits.take('U0A')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(limits.take('U0A').ok).toBe(false);
  });

  it('given a limit of 1 in 10 minutes, when a second hit comes after 4 minutes, then it waits the 6 minutes left', () => {
    const { limiter: limits, clock } = limiter({ limit: 1, windowMs: 10 * MINUTE });
    limits.take('U0A');
    clock.advance(4 * MINUTE);

    expect(limits.take('U0A')).toEqual({ ok: false, retryAfterMs: 6 * MINUTE });
  });

  describe('with more than 10,000 people tracked (the memory sweep)', () => {
    const PEOPLE = 10_001;
    const person = (i: number): string => `U${String(i).padStart(8, '0')}`;

    it('given 10,001 people each at their limit, when the sweep runs inside their windows, then every one of them is still refused', () => {
      const { limiter: limits, clock } = limiter({ limit: 1, windowMs: MINUTE });
      for (let i = 0; i < PEOPLE; i += 1) limits.take(person(i));
      clock.advance(30_000);

      expect(limits.take('U0NEWCOMER')).toEqual({ ok: true });
      for (const i of [0, 1, 5_000, PEOPLE - 1]) {
        expect(limits.take(person(i))).toEqual({ ok: false, retryAfterMs: 30_000 });
      }
    });

    it('given someone with one hit gone and one still in the window, when the sweep runs, then that hit still counts', () => {
      const { limiter: limits, clock } = limiter({ limit: 2, windowMs: MINUTE });
      limits.take('U0BUSY'); // 0 s: leaves at 60 s
      for (let i = 0; i < PEOPLE; i += 1) limits.take(person(i)); // 0 s
      clock.advance(50_000);
      limits.take('U0BUSY'); // 50 s: leaves at 110 s
      clock.advance(20_000); // 70 s: everyone else's window is over, and U0BUSY's first hit

      expect(limits.take('U0NEWCOMER')).toEqual({ ok: true }); // above 10,000 people: the sweep runs
      expect(limits.take('U0BUSY')).toEqual({ ok: true });
      expect(limits.take('U0BUSY')).toEqual({ ok: false, retryAfterMs: 40_000 });
    });

    it('given finished windows swept, when a swept person and a current one come back, then each gets the right answer', () => {
      const { limiter: limits, clock } = limiter({ limit: 2, windowMs: MINUTE });
      for (let i = 0; i < PEOPLE; i += 1) limits.take(person(i)); // 0 s
      clock.advance(40_000);
      limits.take('U0BUSY');
      limits.take('U0BUSY'); // 40 s: at the limit until 100 s
      clock.advance(30_000); // 70 s: the 10,001 windows are over

      expect(limits.take('U0NEWCOMER')).toEqual({ ok: true });
      expect(limits.take('U0BUSY')).toEqual({ ok: false, retryAfterMs: 30_000 });
      expect([limits.take(person(0)), limits.take(person(0)), limits.take(person(0))]).toEqual([
        { ok: true },
        { ok: true },
        { ok: false, retryAfterMs: MINUTE },
      ]);
    });
  });
});

describe('rateLimiters', () => {
  it('given rules per kind, when one kind is used up, then the others are not', () => {
    const clock = new TestClock();
    const one = { limit: 1, windowMs: MINUTE };
    const limits = rateLimiters(clock, { requests: one, clicks: { limit: 2, windowMs: MINUTE }, commands: one, exposureNotices: one });

    expect([limits.clicks.take('U0A'), limits.clicks.take('U0A'), limits.clicks.take('U0A').ok]).toEqual([{ ok: true }, { ok: true }, false]);
    expect(limits.commands.take('U0A')).toEqual({ ok: true });
    expect(limits.requests.take('U0A')).toEqual({ ok: true });
    expect(limits.requests.take('U0A').ok).toBe(false);
  });

  it('given the default rules, when a person creates rotations, then the 11th within 10 minutes is refused', () => {
    const clock = new TestClock();
    const limits = rateLimiters(clock);
    for (let i = 0; i < 10; i += 1) {
      expect(limits.requests.take('U0A')).toEqual({ ok: true });
      clock.advance(30_000);
    }

    // The first came 5 minutes ago; it leaves the 10-minute window in 5 more.
    expect(limits.requests.take('U0A')).toEqual({ ok: false, retryAfterMs: 5 * MINUTE });
  });
});

/** A logger that keeps its lines. */
function keepingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (...msg: unknown[]) => void lines.push(`${level} ${msg.join(' ')}`);
  return { lines, debug: keep('DEBUG'), info: keep('INFO'), warn: keep('WARN'), error: keep('ERROR'), setLevel: () => undefined, getLevel: () => 'info' as never, setName: () => undefined };
}

/** A shared counter the test scripts: each take answers what `next` says (a verdict, a failure, or never). */
class ScriptedCounter implements SharedRateCounter {
  next: () => Promise<RateLimitVerdict> = async () => ({ ok: true });
  readonly keys: string[] = [];

  take(key: string): Promise<RateLimitVerdict> {
    this.keys.push(key);
    return this.next();
  }
}

describe('SharedRateLimiter', () => {
  function shared(rule: RateLimit = THREE_A_MINUTE, timeoutMs?: number) {
    const clock = new TestClock();
    const counter = new ScriptedCounter();
    const log = keepingLogger();
    const limiter = new SharedRateLimiter('clicks', counter, new RateLimiter(rule, clock), log, timeoutMs);
    return { limiter, counter, log, clock };
  }

  it('given the store answers, when hits come, then its verdicts are the answers and nothing is counted in this process', async () => {
    const { limiter, counter, log } = shared();
    counter.next = async () => ({ ok: true });
    for (let i = 0; i < 5; i += 1) expect(await limiter.take('U0A')).toEqual({ ok: true });
    counter.next = async () => ({ ok: false, retryAfterMs: 42_000 });

    expect(await limiter.take('U0A')).toEqual({ ok: false, retryAfterMs: 42_000 });
    expect(counter.keys).toEqual(Array(6).fill('U0A'));
    expect(log.lines).toEqual([]);
    // The store lets the person through again: this process had counted none of the six hits.
    counter.next = async () => {
      throw new Error('connection refused');
    };
    expect([await limiter.take('U0A'), await limiter.take('U0A'), await limiter.take('U0A')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });

  it('given the store fails, when hits come, then they are counted in this process, with one warning for the outage and one line when it is back', async () => {
    const { limiter, counter, log } = shared();
    counter.next = async () => {
      throw new Error('connection refused');
    };

    expect([await limiter.take('U0A'), await limiter.take('U0A'), await limiter.take('U0A')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(await limiter.take('U0A')).toEqual({ ok: false, retryAfterMs: MINUTE });
    expect(await limiter.take('U0B')).toEqual({ ok: true });
    expect(log.lines).toEqual([
      'WARN Rate limits: the store did not count clicks (connection refused); counting them in this replica until it does',
    ]);

    counter.next = async () => ({ ok: true });
    expect(await limiter.take('U0A')).toEqual({ ok: true });
    expect(await limiter.take('U0A')).toEqual({ ok: true });
    expect(log.lines.slice(1)).toEqual(['INFO Rate limits: clicks are counted on the shared store again']);
  });

  it('given a store that answers late, when a hit comes, then it is decided within the timeout, in this process', async () => {
    const { limiter, counter, log } = shared(THREE_A_MINUTE, 50);
    counter.next = () => new Promise((resolve) => setTimeout(() => resolve({ ok: false, retryAfterMs: 1 }), 2000).unref());

    const started = Date.now();
    expect(await limiter.take('U0A')).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(500);
    expect(log.lines).toEqual(['WARN Rate limits: the store did not count clicks (no answer within 50 ms); counting them in this replica until it does']);
  });

  it('given a store that never answers, when the default timeout is used, then a hit waits at most a few hundred milliseconds', async () => {
    const { limiter, counter } = shared();
    counter.next = () => new Promise(() => undefined);

    const started = Date.now();
    expect(await limiter.take('U0A')).toEqual({ ok: true });
    const waited = Date.now() - started;
    expect(SHARED_COUNT_TIMEOUT_MS).toBeLessThanOrEqual(500);
    expect(waited).toBeGreaterThanOrEqual(SHARED_COUNT_TIMEOUT_MS - 5);
    expect(waited).toBeLessThan(SHARED_COUNT_TIMEOUT_MS + 500);
  });
});

describe('sharedRateLimiters', () => {
  it('given shared counters, when built, then clicks, commands and requests are counted by them with their rules, and exposure notices in this process', async () => {
    const clock = new TestClock();
    const rules = {
      requests: { limit: 2, windowMs: 10 * MINUTE },
      clicks: { limit: 5, windowMs: MINUTE },
      commands: { limit: 4, windowMs: MINUTE },
      exposureNotices: { limit: 1, windowMs: MINUTE },
    };
    const local = rateLimiters(clock, rules);
    const made: Array<[string, RateLimit]> = [];
    const counters = (kind: string, rule: RateLimit) => {
      made.push([kind, rule]);
      return { take: async (key: string): Promise<RateLimitVerdict> => (key === `${kind}-refused` ? { ok: false, retryAfterMs: 7 } : { ok: true }) };
    };

    const limits = sharedRateLimiters(local, counters, keepingLogger());

    expect(made.sort()).toEqual([
      ['clicks', rules.clicks],
      ['commands', rules.commands],
      ['requests', rules.requests],
    ]);
    expect(await limits.clicks.take('clicks-refused')).toEqual({ ok: false, retryAfterMs: 7 });
    expect(await limits.commands.take('commands-refused')).toEqual({ ok: false, retryAfterMs: 7 });
    expect(await limits.requests.take('requests-refused')).toEqual({ ok: false, retryAfterMs: 7 });
    expect(limits.requests.rule).toEqual(rules.requests);
    expect(limits.exposureNotices).toBe(local.exposureNotices);
  });
});

describe('waitText', () => {
  it.each([
    [0, '1 second'],
    [1, '1 second'],
    [999, '1 second'],
    [1000, '1 second'],
    [1001, '2 seconds'],
    [30_000, '30 seconds'],
    [59_000, '59 seconds'],
    [60_000, '1 minute'],
    [60_001, '2 minutes'],
    [150_000, '3 minutes'],
    [600_000, '10 minutes'],
  ])('given %i ms, when written, then it reads %j', (ms, text) => {
    expect(waitText(ms)).toBe(text);
  });
});

describe('tooFastText', () => {
  it('given 30 s to wait, when written, then it says nothing changed and when to try again', () => {
    expect(tooFastText(30_000)).toBe(
      'You are going faster than the bot accepts from one person. Nothing was changed; try again in 30 seconds.',
    );
  });

  it('given 5 minutes and a bit, when written, then the wait is rounded up to whole minutes', () => {
    expect(tooFastText(5 * MINUTE + 1)).toMatch(/try again in 6 minutes\.$/);
  });
});
