import { owedReminders, phases, stillOwedAt, localDate, type HistoryRotation, type OracleCalendar } from './oracle';
import type { SoakRecord } from './simulation';

export interface SoakResult {
  seed: number;
  engine: string;
  timeZone: string;
  replicas: number;
  rotations: number;
  simulatedDays: number;
  kills: number;
  restarts: number;
  storeOutages: number;
  slackFaults: number;
  /** Reminders the oracle says were owed, and what became of them. */
  expected: number;
  delivered: number;
  failed: number;
  /** Fell due while the bot could not send; a later one of the kind went instead. */
  coalesced: number;
  /** Fell due while the bot could not send; the rotation moved on (or the meeting started) before it could. */
  movedOn: number;
  lost: number;
  doubled: number;
  /** Sent though the oracle owed nothing of the kind then, or after the rotation had moved on. */
  stale: number;
  late: number;
  worstLatenessMinutes: number;
  digests: number;
  transitions: number;
  transitionProblems: number;
  orphanEntries: number;
  /** Lock rows left in the store (expired ones go after an hour; on SQL engines the table is shared by namespaces). */
  lockRows: number;
  ticks: number;
  wallSeconds: number;
  /** The first few problems, to read and to replay. */
  problems: string[];
}

/** Judges a run: the oracle's owed reminders against what Slack received, and the audit trails against the steps taken. */
export function check(record: SoakRecord): SoakResult {
  const { options } = record;
  const cal: OracleCalendar = { timeZone: options.timeZone, holidays: new Set(record.holidays), reminderHour: 9 };
  const interval = record.intervalMs;
  const problems: string[] = [];
  const problem = (line: string) => {
    if (problems.length < 40) problems.push(line);
  };

  /** When the bot could next act on something due at `t`: past every disruption it falls in. */
  const ready = (t: number): number => {
    let at = t;
    for (let changed = true; changed; ) {
      changed = false;
      for (const d of record.disruptions) {
        if (d.from <= at && at < d.until) {
          at = d.until;
          changed = true;
        }
      }
    }
    return at;
  };
  // The first tick on the grid once the bot can act: one interval at most. If that tick falls in a
  // disruption (a Slack fault that starts as a replica's claim runs out: the takeover is on the
  // tick after the lease, which ends exactly on a tick), it is the first one after that ends.
  const byWhen = (due: number) => {
    let tick = ready(due) + interval;
    while (ready(tick) !== tick) tick = ready(tick) + interval;
    return tick;
  };

  const rotations = new Map(record.rotations.map((r) => [r.id, r as unknown as HistoryRotation]));
  const posts = record.posts.filter((p) => p.occurrenceKey);
  const firstSent = new Map<string, number>();
  const perTarget = new Map<string, number>();
  const entriesOf = new Map<string, Set<string>>();
  for (const post of posts) {
    const key = post.occurrenceKey as string;
    if (!firstSent.has(key)) firstSent.set(key, post.at);
    const target = `${key} ${post.channel} ${post.threadTs ?? ''}`;
    perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
    entriesOf.set(key, (entriesOf.get(key) ?? new Set()).add(post.entryKey as string));
  }
  let doubled = 0;
  for (const [target, count] of perTarget) {
    if (count > 1) {
      doubled += 1;
      problem(`doubled: ${target} posted ${count} times`);
    }
  }
  for (const [key, entries] of entriesOf) {
    if (entries.size > 1) {
      doubled += 1;
      problem(`doubled: ${key} sent for ${entries.size} schedule entries (${[...entries].join(', ')})`);
    }
  }

  const split = (key: string) => {
    const [rotationId, kind, dueAt] = key.split('|') as [string, string, string];
    return { rotationId, kind, due: Date.parse(dueAt) };
  };
  const deliveredOf = new Map<string, number[]>();
  for (const key of firstSent.keys()) {
    const { rotationId, kind, due } = split(key);
    deliveredOf.set(`${rotationId}|${kind}`, [...(deliveredOf.get(`${rotationId}|${kind}`) ?? []), due]);
  }
  const failuresOf = new Map<string, number[]>();
  for (const failure of record.failures) {
    const { rotationId, kind } = split(failure.key);
    failuresOf.set(`${rotationId}|${kind}`, [...(failuresOf.get(`${rotationId}|${kind}`) ?? []), failure.at]);
  }

  const owedKeys = new Set<string>();
  let expected = 0;
  let delivered = 0;
  let failed = 0;
  let coalesced = 0;
  let movedOn = 0;
  let lost = 0;
  let late = 0;
  let worst = 0;
  for (const rotation of rotations.values()) {
    const transitions = phases(rotation).map((p) => p.from);
    for (const owed of owedReminders(rotation, cal, record.end)) {
      const due = Date.parse(owed.dueAt);
      const key = `${owed.rotationId}|${owed.kind}|${owed.dueAt}`;
      owedKeys.add(key);
      const deadline = byWhen(due);
      if (deadline >= record.end) continue; // the run ended before the bot could be expected to send it
      expected += 1;
      const sentAt = firstSent.get(key);
      const kindKey = `${owed.rotationId}|${owed.kind}`;
      if (sentAt !== undefined) {
        delivered += 1;
        worst = Math.max(worst, sentAt - due);
        if (sentAt > deadline) {
          late += 1;
          problem(`late: ${key} sent ${new Date(sentAt).toISOString()}, by ${new Date(deadline).toISOString()} at the latest`);
        }
      } else if ((failuresOf.get(kindKey) ?? []).some((at) => at >= due && at <= deadline)) failed += 1;
      else if ((deliveredOf.get(kindKey) ?? []).some((d) => d > due && d <= deadline)) coalesced += 1;
      else if (transitions.some((t) => t > due && t <= deadline) || !stillOwedAt(rotation, owed.kind, due, deadline)) movedOn += 1;
      else {
        lost += 1;
        const around = record.disruptions.filter((d) => d.until > due - 86_400_000 && d.from <= deadline).map((d) => `${d.why} ${new Date(d.from).toISOString()}–${new Date(d.until).toISOString()}`);
        const sameKind = posts.filter((p) => p.occurrenceKey?.startsWith(kindKey)).map((p) => `${p.occurrenceKey?.split('|')[2]}@${new Date(p.at).toISOString()}`);
        problem(`lost: ${key} (${rotation.status}); bot ready again ${new Date(ready(due)).toISOString()}; disrupted: ${around.join(', ') || 'no'}; sent of the kind: ${sameKind.slice(-4).join(', ')}`);
      }
    }
  }

  let stale = 0;
  for (const [key, sentAt] of firstSent) {
    const { rotationId, kind, due } = split(key);
    const rotation = rotations.get(rotationId);
    if (!rotation || !owedKeys.has(key)) {
      stale += 1;
      problem(`not owed: ${key} sent ${new Date(sentAt).toISOString()}`);
    } else if (!stillOwedAt(rotation, kind, due, sentAt)) {
      stale += 1;
      problem(`moved on: ${key} sent ${new Date(sentAt).toISOString()} after the rotation had moved on`);
    }
  }

  // The weekly digest: at most one per channel a day.
  const digestDays = new Map<string, number>();
  for (const post of record.posts.filter((p) => p.digest)) {
    const key = `${post.channel} ${localDate(post.at, cal)}`;
    digestDays.set(key, (digestDays.get(key) ?? 0) + 1);
  }
  for (const [key, count] of digestDays) {
    if (count > 1) {
      doubled += 1;
      problem(`doubled: ${count} digests in ${key}`);
    }
  }

  // Every step a person saw succeed is in the audit trail exactly once, and the trail has no gap.
  let transitionProblems = 0;
  for (const step of record.applied) {
    const history = rotations.get(step.rotationId)?.history ?? [];
    const found = history.filter((e) => !e.event && e.to === step.to && e.at === step.at).length;
    if (found !== 1) {
      transitionProblems += 1;
      problem(`transition: ${step.rotationId} → ${step.to} at ${step.at} is in the audit trail ${found} times`);
    }
  }
  for (const rotation of rotations.values()) {
    const chain = rotation.history.filter((e) => !e.event);
    chain.forEach((entry, i) => {
      const before = chain[i - 1];
      if (i > 0 && before && entry.from !== before.to) {
        transitionProblems += 1;
        problem(`transition: ${rotation.id} has ${before.to} then ${entry.from} → ${entry.to}`);
      }
    });
  }

  // At the end the schedule holds no pending entry for a rotation that is closed or gone, and no
  // finished row the last prune should have taken.
  let orphanEntries = 0;
  const retentionMs = (options.retentionDays ?? 90) * 86_400_000;
  // Pruning runs at most once an hour, after a tick: the last tick any replica ran was the last chance.
  const pruneSlack = 3_600_000 + interval;
  for (const entry of record.leftovers.entries) {
    const rotationId = 'rotationId' in entry ? entry.rotationId : undefined;
    const rotation = rotationId ? rotations.get(rotationId) : undefined;
    const finishedAt = entry.finishedAt ? Date.parse(entry.finishedAt) : undefined;
    let why: string | undefined;
    if (entry.state === 'pending' && rotationId && entry.kind !== 'follow_up' && (!rotation || ['completed', 'cancelled', 'rejected'].includes(rotation.status))) {
      why = `pending for a rotation that is ${rotation?.status ?? 'gone'}`;
    } else if (finishedAt !== undefined && finishedAt < record.lastTickAt - retentionMs - pruneSlack) {
      why = `finished ${entry.finishedAt}, past the ${options.retentionDays ?? 90}-day retention`;
    }
    if (why) {
      orphanEntries += 1;
      problem(`orphan: ${entry.key} ${why}`);
    }
  }

  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return {
    seed: options.seed,
    engine: options.engine,
    timeZone: options.timeZone,
    replicas: options.replicas,
    rotations: record.rotations.length,
    simulatedDays: options.days,
    kills: sum(record.counts.kills),
    restarts: record.counts.restarts,
    storeOutages: record.counts.outages,
    slackFaults: sum(record.counts.slackFaults),
    expected,
    delivered,
    failed,
    coalesced,
    movedOn,
    lost,
    doubled,
    stale,
    late,
    worstLatenessMinutes: Math.round(worst / 60_000),
    digests: record.posts.filter((p) => p.digest).length,
    transitions: record.applied.length,
    transitionProblems,
    orphanEntries,
    lockRows: record.leftovers.locks,
    ticks: record.counts.ticks,
    wallSeconds: Math.round(record.wallMs / 100) / 10,
    problems,
  };
}

/** Whether a run kept every promise. */
export function passed(result: SoakResult): boolean {
  return result.lost === 0 && result.doubled === 0 && result.stale === 0 && result.late === 0 && result.transitionProblems === 0 && result.orphanEntries === 0;
}
