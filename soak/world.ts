/** The simulation's randomness: one seeded generator, so a seed replays a run exactly. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** mulberry32: small, fast, and good enough to drive a simulation. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A queue of things to do at virtual instants, earliest first (stable for equal times). */
export class Agenda {
  private items: Array<{ at: number; seq: number; run: () => Promise<void> }> = [];
  private seq = 0;

  add(at: number, run: () => Promise<void>): void {
    const item = { at, seq: this.seq++, run };
    let i = this.items.length;
    while (i > 0 && (this.items[i - 1] as { at: number }).at > at) i -= 1;
    this.items.splice(i, 0, item);
  }

  peek(): number | undefined {
    return this.items[0]?.at;
  }

  take(): (() => Promise<void>) | undefined {
    return this.items.shift()?.run;
  }
}

/** Holidays of the simulated year in the policy's zone: a few fixed dates and one random Friday a quarter. */
export function holidaysOf(startYear: number, rng: Random): string[] {
  const fixed = [`${startYear}-01-01`, `${startYear}-07-05`, `${startYear}-12-24`, `${startYear}-12-25`, `${startYear + 1}-01-01`];
  const fridays: string[] = [];
  for (let quarter = 0; quarter < 4; quarter += 1) {
    const d = new Date(Date.UTC(startYear, quarter * 3 + rng.int(0, 2), rng.int(1, 28)));
    while (d.getUTCDay() !== 5) d.setUTCDate(d.getUTCDate() + 1);
    fridays.push(d.toISOString().slice(0, 10));
  }
  return [...fixed, ...fridays];
}
