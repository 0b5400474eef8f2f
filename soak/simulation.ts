import { webApi } from '@slack/bolt';
import { CLAIM_LEASE_MS } from '../src/services/reminders';
import type { ServiceDeps } from '../src/services/lifecycle-deps';
import type { DashboardDeps } from '../src/services/dashboards';
import { HomePublisher } from '../src/services/home-publisher';
import { useCases, type UseCases } from '../src/services/use-cases';
import { Scheduler } from '../src/scheduler/scheduler';
import { SlackNotifier } from '../src/slack/notifier';
import { NAMESPACE, openStore } from '../src/store/keyv-factory';
import { soakPlace } from './places';
import type { EngineLocks, ReminderSchedule, RotationStore, ScheduledReminder } from '../src/domain/ports';
import type { Rotation } from '../src/domain/rotation';
import type { RotationAction } from '../src/domain/lifecycle';
import { FakeSlack, httpAnswer } from '../testkit/fake-slack';
import { Agenda, DAY, HOUR, MINUTE, Random, holidaysOf } from './world';

/**
 * One simulated stretch of the bot's life: replicas sharing one real store,
 * people acting on rotations through the use cases (what the listeners call),
 * the scheduler ticking on a virtual clock, a fake Slack over HTTP, and faults
 * injected at times drawn from the seed. It records what Slack received and
 * what was disrupted when; `check.ts` judges it with the oracle.
 */

export type Engine = 'sqlite' | 'redis' | 'postgres';
/** Faults planted in the bot to show the simulation catches them. */
export type Plant = 'claim-read-then-write' | 'sent-before-post';

export interface SoakOptions {
  seed: number;
  engine: Engine;
  /** The store's URL (a fresh namespace is used in it). */
  storeUrl: string;
  replicas: number;
  days: number;
  rotations: number;
  instances: number;
  timeZone: string;
  /** The first simulated day (a Monday is a good start). */
  start: string;
  intervalMinutes: number;
  /** WFI_RETENTION_DAYS: finished schedule rows older than this are pruned. */
  retentionDays?: number;
  plant?: Plant;
  log?: (line: string) => void;
}

export interface Post {
  channel: string;
  threadTs?: string;
  /** The schedule entry's key and the occurrence's (from the post's metadata). */
  entryKey?: string;
  occurrenceKey?: string;
  digest: boolean;
  at: number;
}

export interface Disruption {
  from: number;
  until: number;
  why: string;
}

export interface SoakRecord {
  options: SoakOptions;
  holidays: string[];
  start: number;
  end: number;
  intervalMs: number;
  posts: Post[];
  rotations: Rotation[];
  /** Every schedule row at the end, when the store can list them. */
  failures: Array<{ key: string; at: number; reason: string }>;
  disruptions: Disruption[];
  applied: Array<{ rotationId: string; to: string; at: string; actorId: string }>;
  counts: { kills: Record<string, number>; outages: number; slackFaults: Record<string, number>; restarts: number; ticks: number; actions: number; races: number };
  wallMs: number;
  /** The last tick any replica ran (the last chance to prune). */
  lastTickAt: number;
  /** What the store holds at the end (for the orphan check). */
  leftovers: { entries: ScheduledReminder[]; locks: number };
}

const APPROVERS = ['U0APPROVE1', 'U0APPROVE2'];
const CHANNELS = ['C0SOAK0001', 'C0SOAK0002', 'C0SOAK0003', 'C0SOAK0004', 'C0SOAK0005', 'C0SOAK0006', 'C0SOAK0007', 'C0SOAK0008'];
const NEVER = new Promise<never>(() => undefined);

type Countdown = { ops: number; scope: 'any' | 'store' | 'slack' };

interface Replica {
  name: string;
  dead: boolean;
  died: Promise<void>;
  kill(): void;
  countdown?: Countdown;
  deps: ServiceDeps;
  cases: UseCases;
  scheduler: Scheduler;
  /** Its App Home publisher (`deps.homes`), stopped with it. */
  homes: HomePublisher;
  close(): Promise<void>;
}

export async function simulate(options: SoakOptions): Promise<SoakRecord> {
  const wallStart = Date.now();
  const rng = new Random(options.seed);
  const intervalMs = options.intervalMinutes * MINUTE;
  const start = Date.parse(`${options.start}T00:00:00Z`);
  const end = start + options.days * DAY;
  const clock = { t: start, now: () => new Date(clock.t) };
  const holidays = holidaysOf(Number(options.start.slice(0, 4)), rng);
  const calendar = { timeZone: options.timeZone, holidays: new Set(holidays) };
  const policy = { calendar, leadBusinessDays: 10 };
  const reminderPolicy = { ...policy, reminderHour: 9, digestDay: 1 as const };
  // A place of its own (see places.ts), so the bot's own namespace.
  const place = await soakPlace(options.engine, options.storeUrl);
  const storeUrl = place.storeUrl;
  const namespace = NAMESPACE;
  const record: SoakRecord = {
    options: { ...options, log: undefined },
    holidays,
    start,
    end,
    intervalMs,
    posts: [],
    rotations: [],
    failures: [],
    disruptions: [],
    applied: [],
    counts: { kills: {}, outages: 0, slackFaults: {}, restarts: 0, ticks: 0, actions: 0, races: 0 },
    wallMs: 0,
    lastTickAt: start,
    leftovers: { entries: [], locks: 0 },
  };
  const log = options.log ?? (() => undefined);

  // Slack: what it took, and the stretches in which it refuses posts.
  let slackFault: { until: number; kind: string; channel?: string } | undefined;
  /** A fault due to start at the n-th post from now (so it can start in the middle of a tick). */
  let slackFaultNext: { in: number; length: number; kind: string; channel?: string } | undefined;
  let ts = 1_000_000;
  const fake = new FakeSlack({ record: false });
  await fake.start();
  fake.on('chat.postMessage', (args) => {
    const channel = String(args.channel).replace(/^[UW]/, 'D');
    if (slackFaultNext && --slackFaultNext.in <= 0) {
      const { length, kind, channel: only } = slackFaultNext;
      slackFaultNext = undefined;
      slackFault = { until: clock.t + length, kind, ...(only ? { channel: only } : {}) };
      // A post refused for now is tried again once its claim runs out.
      record.disruptions.push({ from: clock.t, until: clock.t + length + CLAIM_LEASE_MS, why: `Slack answering ${kind}` });
    }
    if (slackFault && clock.t < slackFault.until && (!slackFault.channel || slackFault.channel === channel)) {
      if (slackFault.kind === '429') return httpAnswer(429, { 'retry-after': '30' }, { ok: false, error: 'ratelimited' });
      if (slackFault.kind === '5xx') return httpAnswer(503);
      return { ok: false, error: slackFault.kind };
    }
    const metadata = typeof args.metadata === 'string' ? (JSON.parse(args.metadata) as { event_payload?: { key?: string; occurrence?: string } }) : undefined;
    ts += 1;
    const post: Post = {
      channel,
      ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
      ...(metadata?.event_payload?.key ? { entryKey: metadata.event_payload.key, occurrenceKey: metadata.event_payload.occurrence } : {}),
      digest: String(args.text).startsWith('Weekly digest'),
      at: clock.t,
    };
    record.posts.push(post);
    return { ok: true, channel, ts: `${ts}.000100` };
  });
  const lookup = (args: Record<string, unknown>) => ({
    ok: true,
    messages: record.posts
      .filter((p) => p.channel === String(args.channel) && (args.ts === undefined || p.threadTs === String(args.ts)))
      .map((p) => ({ ts: '1.1', metadata: { event_type: 'wfi_rotate_reminder', event_payload: { key: p.entryKey, occurrence: p.occurrenceKey } } })),
  });
  fake.on('conversations.replies', lookup);
  fake.on('conversations.history', lookup);

  // The store's outages: every replica's calls fail for the stretch. One starts at the n-th store
  // call after it is due, so it can cut a tick or a step in the middle.
  let storeDownUntil = 0;
  let outageIn: number | undefined;
  const storeDown = () => {
    if (outageIn !== undefined && --outageIn <= 0) {
      outageIn = undefined;
      storeDownUntil = clock.t + HOUR;
      record.disruptions.push({ from: clock.t, until: storeDownUntil, why: 'store unreachable' });
    }
    return clock.t < storeDownUntil;
  };

  const failures = record.failures;
  let generation = 0;
  const replicas: Replica[] = [];
  const opened: Array<{ close(): Promise<void> }> = [];

  /** Calls a dying process got out before it died: they land before the clock moves on. */
  const gotOut = new Set<Promise<unknown>>();

  function mortal<T extends object>(target: T, replica: () => Replica, scope: 'store' | 'slack'): T {
    return new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== 'function' || property === 'close') return value;
        return (...args: unknown[]) => {
          const r = replica();
          if (r.dead) return NEVER;
          if (scope === 'store' && storeDown()) return Promise.reject(new Error('the store did not answer (simulated outage)'));
          const countdown = r.countdown;
          if (countdown && (countdown.scope === 'any' || countdown.scope === scope) && --countdown.ops <= 0) {
            r.kill();
            // Half the time the call got through (Slack took the post, the store wrote the row) before the process died.
            if (rng.chance(0.5)) {
              const through = Promise.resolve((value as (...a: unknown[]) => unknown).apply(object, args)).catch(() => undefined);
              gotOut.add(through);
              void through.finally(() => gotOut.delete(through));
            }
            return NEVER;
          }
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  }

  function planted(reminders: ReminderSchedule): ReminderSchedule {
    if (options.plant !== 'claim-read-then-write') return reminders;
    return Object.assign(Object.create(reminders) as ReminderSchedule, {
      // Planted fault: read whether it is free, then take it, in two steps.
      async claim(key: string, owner: string, now: Date, leaseMs: number) {
        const free = (await reminders.due(now, 1000)).some((entry) => entry.key === key);
        await new Promise((resolve) => setImmediate(resolve));
        if (free) await reminders.claim(key, owner, now, leaseMs);
        return free;
      },
    });
  }

  function startReplica(slot: number): Replica {
    generation += 1;
    const name = `replica-${slot}.${generation}`;
    const store = openStore(storeUrl, undefined, namespace);
    opened.push(store.rotations);
    let kill: () => void = () => undefined;
    const died = new Promise<void>((resolve) => {
      kill = resolve;
    });
    // The replica's own record, read when a call is made (after it exists).
    const me = (): Replica => self;
    const client = new webApi.WebClient('xoxb-soak', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const slack = new SlackNotifier(client, { policy, leadBusinessDays: 10, approverMentions: APPROVERS.map((id) => `<@${id}>`) }, { warn: () => undefined });
    let notifier: ServiceDeps['notifier'] = mortal<ServiceDeps['notifier']>(slack, me, 'slack');
    const rotations = mortal<RotationStore>(store.rotations, me, 'store');
    const reminders = mortal<ReminderSchedule>(planted(store.reminders), me, 'store');
    if (options.plant === 'sent-before-post') {
      const inner = notifier;
      notifier = Object.assign(Object.create(inner) as ServiceDeps['notifier'], {
        // Planted fault: the reminder is recorded sent, then posted.
        async sendReminder(rotation: Rotation, occurrence: Parameters<ServiceDeps['notifier']['sendReminder']>[1], now: Date, key: string) {
          await reminders.finish(key, { state: 'sent' }, now);
          return inner.sendReminder(rotation, occurrence, now, key);
        },
      });
    }
    const dashboards: DashboardDeps = {
      store: rotations,
      reminders,
      notifier,
      approvers: { statusOf: async (id) => (APPROVERS.includes(id) ? 'approver' : 'not_approver'), knownApproverIds: () => APPROVERS },
      clock,
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    };
    const homes = new HomePublisher(dashboards);
    const deps: ServiceDeps = {
      ...dashboards,
      reminderPolicy,
      homes,
      policy,
      allowSelfApproval: false,
      randomIndex: (max) => Math.floor(rng.next() * max),
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (...msg: unknown[]) => {
          const line = msg.join(' ');
          const failed = /^Reminder (\S+) could not be delivered: (.*)$/.exec(line);
          if (failed) failures.push({ key: failed[1] as string, at: clock.t, reason: failed[2] as string });
        },
      },
    };
    const locks = mortal<EngineLocks>(store.locks, me, 'store');
    const scheduler = new Scheduler({ ...deps, locks, retentionDays: options.retentionDays ?? 90 }, { intervalMs: 2 ** 31 - 1 });
    const self: Replica = {
      name,
      dead: false,
      died,
      kill: () => {
        if (self.dead) return;
        self.dead = true;
        void scheduler.stop();
        // Its Homes waiting are dropped; a publish under way never ends (its calls hang), so it is not waited for.
        void homes.stop();
        kill();
      },
      deps,
      cases: useCases(deps, { instanceDomain: 'wfi.pega.com' }),
      scheduler,
      homes,
      close: () => store.rotations.close(),
    };
    replicas[slot] = self;
    return self;
  }

  const alive = () => replicas.filter((r) => !r.dead);
  /** A replica's scheduler starts with a tick (the catch-up pass): the clock waits for it. */
  async function startTicking(replica: Replica): Promise<void> {
    await replica.scheduler.start();
    await replica.scheduler.tickNow();
  }
  let downSince: number | undefined;
  const noteAllDown = () => {
    if (alive().length === 0 && downSince === undefined) downSince = clock.t;
  };
  const noteUp = () => {
    if (downSince !== undefined) record.disruptions.push({ from: downSince, until: clock.t, why: 'no replica running' });
    downSince = undefined;
  };

  /** Runs work on a replica; a replica dying meanwhile answers 'died'. */
  async function on<T>(replica: Replica, work: (r: Replica) => Promise<T>): Promise<T | 'died'> {
    return Promise.race([work(replica), replica.died.then(() => 'died' as const)]);
  }

  const agenda = new Agenda();
  const at = (ms: number, run: () => Promise<void>) => {
    if (ms < end) agenda.add(ms, run);
  };
  /** An action's instant: 30 s past a minute, so it never ties with a due time or a tick. */
  const actionTime = (ms: number) => Math.floor(ms / MINUTE) * MINUTE + 30_000;

  // People: each rotation's requester, acting on what the rotation is when they come back to it.
  const requesters = Array.from({ length: 25 }, (_, i) => `U0REQ${String(i).padStart(4, '0')}`);
  let routeNextActionTo: Replica | undefined;
  const pickReplica = (): Replica | undefined => {
    if (routeNextActionTo && !routeNextActionTo.dead) {
      const r = routeNextActionTo;
      routeNextActionTo = undefined;
      return r;
    }
    const list = alive();
    return list.length > 0 ? rng.pick(list) : undefined;
  };

  interface Persona {
    requester: string;
    rotationId?: string;
    silent: boolean;
    rescheduled: boolean;
  }

  const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  async function create(persona: Persona, instance: number): Promise<void> {
    const replica = pickReplica();
    if (!replica) return at(actionTime(clock.t + HOUR), () => create(persona, instance));
    record.counts.actions += 1;
    const deadline = dateOf(clock.t + rng.int(8, 70) * DAY);
    const request = {
      instanceUrl: `https://acme-${String(instance).padStart(2, '0')}.wfi.pega.com`,
      environmentType: 'Production' as const,
      deadline,
      channelId: CHANNELS[instance % CHANNELS.length] as string,
      attendeeIds: [persona.requester],
      ...(rng.chance(0.3) ? { rotationIntervalDays: 90 } : {}),
    };
    try {
      const saved = await on(replica, (r) => r.cases.saveRequest(request, persona.requester));
      if (saved === 'died') return at(actionTime(clock.t + HOUR), () => create(persona, instance));
      persona.rotationId = saved.id;
      record.applied.push({ rotationId: saved.id, to: 'requested', at: saved.createdAt, actorId: persona.requester });
      await on(replica, (r) => r.cases.announceRotation(saved)).catch(() => undefined);
      at(actionTime(clock.t + rng.int(1, 5 * 24) * HOUR), () => step(persona));
    } catch {
      at(actionTime(clock.t + HOUR), () => create(persona, instance));
    }
  }

  /** One step, by one person; now and then the same click reaches two replicas at once (a double click). */
  async function take(persona: Persona, actorId: string, action: RotationAction, version: number): Promise<'ok' | 'refused' | 'retry'> {
    const first = pickReplica();
    if (!first) return 'retry';
    const second = rng.chance(0.1) ? (rng.pick(alive().filter((r) => r !== first)) as Replica | undefined) : undefined;
    if (second) record.counts.races += 1;
    const outcomes = await Promise.all([first, ...(second ? [second] : [])].map((replica) => takeOn(replica, persona, actorId, action, version)));
    return outcomes.includes('ok') ? 'ok' : outcomes.includes('retry') ? 'retry' : 'refused';
  }

  async function takeOn(replica: Replica, persona: Persona, actorId: string, action: RotationAction, version: number): Promise<'ok' | 'refused' | 'retry'> {
    record.counts.actions += 1;
    try {
      const outcome = await on(replica, (r) => r.cases.takeStep({ rotationId: persona.rotationId as string, actorId, action, expectedVersion: version }));
      if (outcome === 'died') return 'retry';
      if (!outcome.ok) return 'refused';
      record.applied.push({ rotationId: outcome.rotation.id, to: outcome.entry.to, at: outcome.entry.at, actorId });
      await on(replica, (r) => r.cases.announceStep(outcome.rotation, outcome.entry)).catch(() => undefined);
      return 'ok';
    } catch {
      return 'retry';
    }
  }

  /** The person comes back to their rotation and does what it needs next (or nothing). */
  async function step(persona: Persona): Promise<void> {
    const again = (hours: number) => at(actionTime(clock.t + hours * HOUR), () => step(persona));
    const reader = pickReplica();
    if (!reader) return again(1);
    let rotation: Rotation | undefined | 'died';
    try {
      rotation = await on(reader, (r) => r.deps.store.get(persona.rotationId as string));
    } catch {
      return again(1);
    }
    if (rotation === 'died') return again(1);
    if (!rotation) return;
    const v = rotation.version;
    let result: 'ok' | 'refused' | 'retry' = 'ok';
    switch (rotation.status) {
      case 'requested': {
        if (rng.chance(0.05)) result = await take(persona, rng.pick(APPROVERS), { type: 'reject', reason: 'not now' }, v);
        else if (rng.chance(0.04)) result = await take(persona, persona.requester, { type: 'cancel', reason: 'not needed' }, v);
        else if (rng.chance(0.15)) {
          // Two approvers click at once, on two replicas.
          record.counts.races += 1;
          const [a, b] = await Promise.all(APPROVERS.map((id) => take(persona, id, { type: 'approve' }, v)));
          result = a === 'ok' || b === 'ok' ? 'ok' : a === 'retry' || b === 'retry' ? 'retry' : 'refused';
        } else result = await take(persona, rng.pick(APPROVERS), { type: 'approve' }, v);
        if (result !== 'retry') again(rng.int(2, 12 * 24));
        break;
      }
      case 'approved': {
        const submittedOn = new Date(clock.t).toISOString().slice(0, 10);
        result = await take(persona, persona.requester, { type: 'record_submission', caseNumber: `CS-${rng.int(1000000, 9999999)}`, submittedOn }, v);
        if (result !== 'retry') again(rng.int(1, 10 * 24));
        break;
      }
      case 'submitted':
      case 'meeting_scheduled': {
        const meeting = rotation.status === 'meeting_scheduled' ? rotation.meeting : undefined;
        if (meeting && (persona.rescheduled || !rng.chance(0.3) || Date.parse(meeting.startsAt) < clock.t)) {
          if (Date.parse(meeting.startsAt) > clock.t) return again((Date.parse(meeting.startsAt) - clock.t) / HOUR + rng.int(0, 4 * 24));
          if (persona.silent) return; // confirms receipt never: the reminders run until the simulation ends
          result = await take(persona, persona.requester, { type: 'complete', confirmations: ['vault'] }, v);
          if (result === 'ok' && rotation.rotationIntervalDays) startPlannedLater(persona);
          break;
        }
        if (meeting) persona.rescheduled = true;
        // Some meetings less than a day ahead, most a few days out; on the half hour.
        const ahead = rng.chance(0.2) ? rng.int(2, 20) * HOUR : rng.int(1, 8) * DAY;
        const startsAt = new Date(Math.floor((clock.t + ahead) / (30 * MINUTE)) * 30 * MINUTE).toISOString();
        result = await take(persona, persona.requester, { type: 'schedule_meeting', meeting: { platform: 'Webex', startsAt, timeZone: 'UTC', attendeeIds: [persona.requester] } }, v);
        if (result !== 'retry') again(rng.int(1, 3 * 24));
        break;
      }
      case 'planned':
        return startPlannedNow(persona, rotation);
      default:
        return;
    }
    if (result === 'retry') again(1);
  }

  function startPlannedLater(persona: Persona): void {
    if (!rng.chance(0.7)) return;
    at(actionTime(clock.t + rng.int(20, 80) * DAY), async () => {
      const reader = pickReplica();
      if (!reader) return startPlannedLater(persona);
      const done = await on(reader, (r) => r.deps.store.get(persona.rotationId as string)).catch(() => undefined);
      const nextId = done && done !== 'died' ? done.nextRotationId : undefined;
      if (!nextId) return;
      const next: Persona = { requester: persona.requester, rotationId: nextId, silent: rng.chance(0.1), rescheduled: false };
      await step(next);
    });
  }

  async function startPlannedNow(persona: Persona, planned: Rotation): Promise<void> {
    const replica = pickReplica();
    if (!replica) return at(actionTime(clock.t + HOUR), () => step(persona));
    record.counts.actions += 1;
    try {
      const outcome = await on(replica, (r) =>
        r.cases.startPlannedCycle(planned.id, { deadline: planned.deadline, attendeeIds: [] }, persona.requester),
      );
      if (outcome === 'died' || (!outcome.ok && !('fieldErrors' in outcome))) return at(actionTime(clock.t + HOUR), () => step(persona));
      if (!outcome.ok) return; // the planned deadline is in the past: the team files a fresh request instead
      record.applied.push({ rotationId: planned.id, to: 'requested', at: new Date(clock.t).toISOString(), actorId: persona.requester });
      await on(replica, (r) => r.cases.announceRotation(outcome.rotation)).catch(() => undefined);
      at(actionTime(clock.t + rng.int(1, 4 * 24) * HOUR), () => step(persona));
    } catch {
      at(actionTime(clock.t + HOUR), () => step(persona));
    }
  }

  // The world: rotations created over the stretch (not in its last 10 days), at any hour.
  const createUntil = end - 10 * DAY;
  for (let i = 0; i < options.rotations; i += 1) {
    const persona: Persona = { requester: rng.pick(requesters), silent: rng.chance(0.12), rescheduled: false };
    const instance = rng.int(0, options.instances - 1);
    at(actionTime(start + rng.next() * (createUntil - start)), () => create(persona, instance));
  }

  // Faults. Each week a replica is killed mid-tick, one mid-send and one mid-transition; most come
  // back within hours, some after days.
  for (let week = 0; week * 7 * DAY < end - start; week += 1) {
    for (const mode of ['tick', 'send', 'transition'] as const) killSometimeIn(start + week * 7 * DAY, mode);
  }
  function killSometimeIn(weekStart: number, mode: 'tick' | 'send' | 'transition'): void {
    const when = weekStart + rng.next() * 7 * DAY;
    const down = rng.chance(0.15) ? rng.int(1, 4) * DAY : rng.int(5, 180) * MINUTE;
    at(when, async () => {
      const list = alive();
      if (list.length === 0) return;
      const victim = rng.pick(list);
      const slot = replicas.indexOf(victim);
      victim.countdown = mode === 'send' ? { ops: rng.int(1, 2), scope: 'slack' } : { ops: rng.int(1, 6), scope: mode === 'tick' ? 'any' : 'store' };
      if (mode === 'transition') routeNextActionTo = victim;
      record.counts.kills[mode] = (record.counts.kills[mode] ?? 0) + 1;
      void victim.died.then(() => {
        record.disruptions.push({ from: clock.t, until: clock.t + CLAIM_LEASE_MS, why: `${victim.name} killed mid-${mode}` });
        noteAllDown();
        const back = clock.t + down;
        at(back, async () => {
          record.counts.restarts += 1;
          const replica = startReplica(slot);
          noteUp();
          await on(replica, startTicking);
        });
      });
    });
  }
  // The store unreachable for an hour, once a month.
  for (let month = 0; month * 30 * DAY < end - start; month += 1) {
    const from = start + month * 30 * DAY + rng.next() * 29 * DAY;
    at(from, async () => {
      record.counts.outages += 1;
      outageIn = rng.int(1, 12);
    });
  }
  // Slack refusing posts for stretches: rate limits and 5xx everywhere, a channel gone or archived.
  for (let t = start + rng.int(2, 12) * DAY; t < end; t += rng.int(4, 14) * DAY) {
    const kind = rng.pick(['429', '5xx', 'channel_not_found', 'is_archived']);
    const length = rng.int(15, 8 * 60) * MINUTE;
    const channel = kind === '429' || kind === '5xx' ? undefined : rng.pick(CHANNELS);
    const from = t + rng.int(0, 23) * HOUR;
    at(from, async () => {
      record.counts.slackFaults[kind] = (record.counts.slackFaults[kind] ?? 0) + 1;
      slackFaultNext = { in: rng.int(1, 5), length, kind, ...(channel ? { channel } : {}) };
    });
  }

  // Start the replicas, then run: ticks on the interval grid, everything else between them.
  for (let slot = 0; slot < options.replicas; slot += 1) await startTicking(startReplica(slot));
  log(`seed ${options.seed}: ${options.engine}, ${options.replicas} replica(s), ${options.days} days, ${options.rotations} rotations, ${options.timeZone}`);
  let doing = 'starting';
  const watchdog = setInterval(() => log(`  still at ${new Date(clock.t).toISOString()}: ${doing}; calls in flight ${gotOut.size}`), 30_000);
  for (let tick = start + intervalMs; tick < end; ) {
    const next = agenda.peek();
    if (next !== undefined && next < tick) {
      clock.t = next;
      doing = 'an event';
      await (agenda.take() as () => Promise<void>)();
      doing = 'calls that got out';
      await Promise.all([...gotOut]);
      continue;
    }
    clock.t = tick;
    record.counts.ticks += 1;
    doing = `a tick of ${alive().map((r) => r.name).join(', ')}`;
    if (alive().length > 0) record.lastTickAt = tick;
    await Promise.all(alive().map((r) => on(r, (x) => x.scheduler.tickNow())));
    doing = 'calls that got out of a tick';
    await Promise.all([...gotOut]);
    tick += intervalMs;
    if (record.counts.ticks % (30 * 24 * 6) === 0) log(`  day ${Math.round((tick - start) / DAY)}: ${record.posts.length} posts`);
  }
  clearInterval(watchdog);
  clock.t = end;
  noteUp();

  // What the store holds at the end, through a connection of its own.
  log('  reading the store');
  const reader = openStore(storeUrl, undefined, namespace);
  record.rotations = await reader.rotations.list();
  record.leftovers = { entries: await reader.reminders.entries(), locks: await reader.locks.count() };
  log('  stopping the replicas');
  for (const r of alive()) {
    await r.scheduler.stop();
    await r.homes.stop();
  }
  log('  stopping Slack');
  await fake.stop();
  log('  closing the store');
  // PostgreSQL: one pool for the process, ended once; the others close each connection.
  // Bounded: a close or a drop that never answers must not hold the run (or jest) forever.
  const within = (work: Promise<unknown>) => Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
  const closing = options.engine === 'postgres' ? [reader.rotations] : [...opened, reader.rotations];
  for (const store of closing) await within(store.close());
  await within(place.dispose());
  log('  done');
  record.wallMs = Date.now() - wallStart;
  return record;
}
