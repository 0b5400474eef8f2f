import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { webApi } from '@slack/bolt';
import { todayIn, type BusinessCalendar } from '../domain/calendar';
import type { Clock, ReminderHandled, ReminderMetrics, RotationStore } from '../domain/ports';
import { ACTIVE_STATUSES } from '../domain/rotation';
import { takeCensus, type RotationCensus } from '../domain/standing';
import { withTimeout } from '../lib/with-timeout';
import type { TickResult } from '../services/reminders';
import type { TickMetrics } from '../scheduler/scheduler';
import type { TransportObserver } from '../slack/transport';
import { countingFetch } from './slack-api';
import { timedPort } from './timed-port';

/** How long the rotation gauges' last read of the store is reused: a scrape every few seconds costs the store one read. */
export const ROTATION_GAUGES_MAX_AGE_MS = 10_000;
/** A store that has not answered the gauges' read by then is down, as far as /metrics can tell. */
const ROTATION_READ_TIMEOUT_MS = 2_000;

/** What a request from Slack is, as an ack's label: a bounded set, whatever arrives. */
const ACK_KINDS = ['command', 'block_actions', 'view_submission', 'view_closed', 'block_suggestion', 'event', 'other'] as const;
type AckKind = (typeof ACK_KINDS)[number];

/** A request's kind by its fields: a slash command, an interaction's `type`, or an event. */
export function ackKind(body: Record<string, unknown>): AckKind {
  if (body.command !== undefined) return 'command';
  if (body.type === 'event_callback') return 'event';
  return ACK_KINDS.find((kind) => kind === body.type) ?? 'other';
}

/** A label value from outside the bot (Slack's error code): snake_case and short, or `other`. */
function boundedLabel(value: string | undefined): string {
  return value !== undefined && /^[a-z0-9_]{1,64}$/.test(value) ? value : 'other';
}

/** Where the rotation gauges read from: the store's indexed `active()` read, and what "today" is. */
interface RotationSource {
  rotations: RotationStore;
  calendar: BusinessCalendar;
  clock: Clock;
  /** How long a read is reused (ROTATION_GAUGES_MAX_AGE_MS; tests use 0). */
  maxAgeMs: number;
}

/**
 * The open and planned rotations counted, on scrape: one `active()` read (an
 * index of a few hundred rotations at most, never a full scan), shared by
 * every gauge of one scrape and reused for `maxAgeMs`. When the store does not
 * answer, `up` is false and the counts are the last ones read.
 */
class RotationGauges {
  private inFlight?: Promise<void>;
  private readAt = Number.NEGATIVE_INFINITY;
  census?: RotationCensus;
  up = false;

  constructor(private readonly source: RotationSource) {}

  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (performance.now() - this.readAt < this.source.maxAgeMs) return Promise.resolve();
    this.inFlight = this.read().finally(() => {
      this.inFlight = undefined;
      this.readAt = performance.now();
    });
    return this.inFlight;
  }

  private async read(): Promise<void> {
    const { rotations, calendar, clock } = this.source;
    try {
      const active = await withTimeout(rotations.active(), ROTATION_READ_TIMEOUT_MS, 'The store');
      this.census = takeCensus(active, todayIn(calendar, clock.now()));
      this.up = true;
    } catch {
      // Its error is the health check's to log; here it is only "down".
      this.up = false;
    }
  }
}

/**
 * The bot's Prometheus metrics, on a registry of its own (tests run several
 * bots in one process; the default registry is global), served on GET
 * /metrics. Every hook is cheap: a counter or a histogram observe; the
 * rotation gauges read the store on scrape, not per request.
 */
export class BotMetrics implements ReminderMetrics, TickMetrics, TransportObserver {
  readonly registry = new Registry();
  private rotationGauges?: RotationGauges;

  private readonly slackRequests = new Counter({
    name: 'wfi_rotate_slack_api_requests_total',
    help: 'HTTP requests to Slack (Web API calls by method; response_url and file_upload), each attempt counted, by result: ok, Slack\'s error, rate_limited (429), http_<status>, request_error (no answer)',
    labelNames: ['method', 'result'],
    registers: [this.registry],
  });
  private readonly acks = new Histogram({
    name: 'wfi_rotate_slack_request_ack_seconds',
    help: 'Time from a request from Slack arriving to its acknowledgement (Slack gives up after 3 s), by kind',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });
  /** One child per kind, made once (and shown at 0 from the start): an ack costs an observe, not a label lookup. */
  private readonly ackByKind = new Map(
    ACK_KINDS.map((kind) => {
      this.acks.zero({ kind });
      return [kind, this.acks.labels(kind)];
    }),
  );
  private readonly remindersSent = new Counter({
    name: 'wfi_rotate_reminders_sent_total',
    help: 'Reminders (and weekly digests) delivered, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly remindersFailed = new Counter({
    name: 'wfi_rotate_reminders_failed_total',
    help: 'Reminders Slack would not take anywhere, recorded as failed, by kind and Slack\'s error',
    labelNames: ['kind', 'error'],
    registers: [this.registry],
  });
  private readonly remindersDropped = new Counter({
    name: 'wfi_rotate_reminders_dropped_total',
    help: 'Reminders dropped unsent because their rotation moved on (or is gone), by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly remindersDeferred = new Counter({
    name: 'wfi_rotate_reminders_deferred_total',
    help: 'Reminders Slack did not take for now (rate limited, 5xx, no answer), left to a later tick, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly tickDuration = new Histogram({
    name: 'wfi_rotate_scheduler_tick_duration_seconds',
    help: 'How long a scheduler tick took to send what was due',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly tickLag = new Gauge({
    name: 'wfi_rotate_scheduler_lag_seconds',
    help: 'At the last tick, how long the oldest reminder it found due had been due (0 when none was)',
    registers: [this.registry],
  });
  private readonly lastTick = new Gauge({
    name: 'wfi_rotate_scheduler_last_tick_timestamp_seconds',
    help: 'When the last scheduler tick ended (Unix time), whether it succeeded or not',
    registers: [this.registry],
  });
  private readonly tickFailures = new Counter({
    name: 'wfi_rotate_scheduler_tick_failures_total',
    help: 'Scheduler ticks that failed (the store did not answer): nothing was sent, the next tick tries again',
    registers: [this.registry],
  });
  private readonly storeOperations = new Histogram({
    name: 'wfi_rotate_store_operation_duration_seconds',
    help: 'Store operations (a call to the rotation store, the reminder schedule or the locks), by store and operation',
    labelNames: ['store', 'operation'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly storeErrors = new Counter({
    name: 'wfi_rotate_store_operation_errors_total',
    help: 'Store operations that failed, by store and operation',
    labelNames: ['store', 'operation'],
    registers: [this.registry],
  });
  private readonly socketReconnects = new Counter({
    name: 'wfi_rotate_socket_mode_reconnects_total',
    help: 'Times the Socket Mode client set out to reconnect to Slack (a dropped connection, or Slack recycling its server)',
    registers: [this.registry],
  });

  constructor() {
    // Process metrics (CPU, memory, event loop lag, GC, handles) on this registry, not the global one.
    collectDefaultMetrics({ register: this.registry });
    const census = () => this.census();
    const gauges = () => this.rotationGauges;
    // prom-client calls `collect` with the gauge as `this`, on each scrape.
    new Gauge({
      name: 'wfi_rotate_rotations',
      help: 'Open and planned rotations by state (from the store\'s index of them; stale while wfi_rotate_store_up is 0)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counted = await census();
        if (counted) for (const state of ACTIVE_STATUSES) this.labels(state).set(counted.byState[state] ?? 0);
      },
    });
    this.censusGauge('wfi_rotate_rotations_late', 'Open rotations requested after their submit-by date (late by the business days they were short)', (c) => c.late);
    this.censusGauge('wfi_rotate_rotations_past_submit_by', 'Open rotations not yet submitted to the vendor whose submit-by date has passed', (c) => c.pastSubmitBy);
    this.censusGauge('wfi_rotate_rotations_past_deadline', 'Open rotations whose policy deadline has passed', (c) => c.pastDeadline);
    new Gauge({
      name: 'wfi_rotate_store_up',
      help: 'Whether the store answered the rotation gauges\' last read (1) or not (0)',
      registers: [this.registry],
      async collect() {
        await gauges()?.refresh();
        this.set(gauges()?.up ? 1 : 0);
      },
    });
  }

  /** The census the rotation gauges show: read on scrape (see RotationGauges), the last one read while the store is down. */
  private async census(): Promise<RotationCensus | undefined> {
    await this.rotationGauges?.refresh();
    return this.rotationGauges?.census;
  }

  /** A gauge of one number of the census, set on scrape. */
  private censusGauge(name: string, help: string, count: (census: RotationCensus) => number): void {
    const census = () => this.census();
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const counted = await census();
        if (counted) this.set(count(counted));
      },
    });
  }

  /** The rotation gauges read `source`: set once the store is open. */
  countRotations(source: RotationSource): void {
    this.rotationGauges = new RotationGauges(source);
  }

  /** The exposition GET /metrics answers with. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A `fetch` for the Web clients that counts each request to Slack (see countingFetch). */
  slackFetch(apiUrl: string): webApi.FetchFunction {
    return countingFetch(apiUrl, (method, result) => this.slackRequests.inc({ method, result: boundedLabel(result) }));
  }

  /** A store port whose calls are timed and whose failures are counted, as `store`. */
  timed<T extends object>(port: T, store: 'rotations' | 'reminders' | 'locks'): T {
    return timedPort(port, store, (name, operation, seconds, failed) => {
      this.storeOperations.observe({ store: name, operation }, seconds);
      if (failed) this.storeErrors.inc({ store: name, operation });
    });
  }

  /** A request from Slack was acknowledged `seconds` after it arrived. */
  ackObserved(body: Record<string, unknown>, seconds: number): void {
    this.ackByKind.get(ackKind(body))?.observe(seconds);
  }

  reminderHandled(kind: string, outcome: ReminderHandled, error?: string): void {
    switch (outcome) {
      case 'sent':
        this.remindersSent.inc({ kind });
        return;
      case 'failed':
        this.remindersFailed.inc({ kind, error: boundedLabel(error) });
        return;
      case 'dropped':
        this.remindersDropped.inc({ kind });
        return;
      case 'deferred':
        this.remindersDeferred.inc({ kind });
        return;
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  tickFinished(seconds: number, result: TickResult | undefined): void {
    this.tickDuration.observe(seconds);
    this.lastTick.set(Date.now() / 1000);
    if (result) this.tickLag.set(result.lagMs / 1000);
    else this.tickFailures.inc();
  }

  socketModeReconnecting(): void {
    this.socketReconnects.inc();
  }
}
