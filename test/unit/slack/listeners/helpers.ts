import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  Logger,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { decide } from '../../../../src/domain/lifecycle';
import type { Clock } from '../../../../src/domain/ports';
import type { Rotation } from '../../../../src/domain/rotation';
import type { UseCases } from '../../../../src/services/use-cases';
import type { FormSettings, ListenerDeps } from '../../../../src/slack/deps';
import { RATE_LIMITS, rateLimiters, type RateLimiters } from '../../../../src/slack/rate-limits';
import { buttonClick, eventCallback, slashCommand, viewSubmission } from '../../../../testkit/payloads';
import { aRequest, aRotation, aRotationIn, TEST_NOW, TEST_POLICY } from '../../../../testkit/rotations';

/*
 * The Bolt sample apps' habit: a listener's callback called on its own, with
 * fake `ack`, `respond`, `client` and `logger` (jest mocks) and fake use cases.
 * The payloads are the ones testkit/payloads.ts builds for the integration
 * suites, decoded, so their shapes stay the ones Slack sends.
 */

/** A clock that stands still until a test moves it: Friday 2026-02-20 10:00Z. */
export class FixedClock implements Clock {
  private ms = TEST_NOW.getTime();

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

// ---------------------------------------------------------------- the deps

export type MockedUseCases = { [K in keyof UseCases]: jest.MockedFunction<UseCases[K]> };

export type FakeDeps = Omit<ListenerDeps, 'useCases' | 'userTimeZone' | 'limits'> & {
  useCases: MockedUseCases;
  userTimeZone: jest.MockedFunction<ListenerDeps['userTimeZone']>;
  limits: RateLimiters;
  /** The clock of `now()` and of the rate limiters. */
  clock: FixedClock;
};

export interface DepsOverrides {
  /** Plain implementations: each is wrapped in a jest.fn, so calls can still be asserted. */
  useCases?: Partial<UseCases>;
  settings?: Partial<FormSettings>;
  userTimeZone?: ListenerDeps['userTimeZone'];
}

export const SETTINGS: FormSettings = {
  instanceDomain: 'wfi.pega.com',
  leadBusinessDays: 10,
  meetingHosts: [],
  policyTimeZone: 'Europe/Berlin',
};

/** The entry of a thread reply that looked like the secret, recorded on `rotation` by the domain itself. */
export function anExposure(rotation: Rotation = aRotationIn('approved'), posterId = 'U0POSTER1'): { rotation: Rotation; entry: Rotation['history'][number] } {
  const result = decide(
    rotation,
    { type: 'report_exposure', channelId: rotation.channelId, messageTs: '1771585200.000200' },
    { actor: { userId: posterId, isApprover: false }, now: TEST_NOW, allowSelfApproval: false },
  );
  if (!result.ok) throw new Error(`no exposure: ${JSON.stringify(result.error)}`);
  return { rotation: result.rotation, entry: result.entry };
}

/** A step that went through: the approved rotation and its last entry. */
export function aTakenStep(): { ok: true; rotation: Rotation; entry: Rotation['history'][number] } {
  const rotation = aRotationIn('approved');
  return { ok: true, rotation, entry: rotation.history[rotation.history.length - 1] as Rotation['history'][number] };
}

/** Every use case answering as if all went well. */
function defaultUseCases(): UseCases {
  return {
    checkRequest: () => ({ ok: true, request: aRequest() }),
    saveRequest: async () => aRotation(),
    startPlannedCycle: async () => ({ ok: true, rotation: aRotation({ id: 'ROT-NEXT22' }) }),
    announceRotation: async () => undefined,
    findRotation: async () => aRotation(),
    stepRefusal: async () => undefined,
    startRefusal: async () => undefined,
    takeStep: async () => aTakenStep(),
    announceStep: async () => undefined,
    rotationStatus: async () => ({ rotation: aRotation(), reminders: { failures: [] }, seesEverything: true }),
    openRotations: async () => ({ scope: 'yours', rotations: [aRotation()], reminderFailures: [] }),
    sendExport: async () => ({ ok: true, rotations: 1 }),
    refreshHome: async () => undefined,
    reportExposure: async () => anExposure(),
    announceExposure: async () => undefined,
    requestFromStep: async () => {
      const rotation = aRotation();
      return { ok: true, rotation, created: true, outputs: { rotation_id: rotation.id } };
    },
    awaitRotation: async () => ({ state: 'waiting' }),
  };
}

/**
 * ListenerDeps for one test: use cases as jest.fns (all going well unless
 * overridden), the real rate limiters on a clock that stands still, and the
 * person's time zone unknown unless given.
 */
export function fakeDeps(overrides: DepsOverrides = {}): FakeDeps {
  const implementations = { ...defaultUseCases(), ...overrides.useCases };
  const useCases = Object.fromEntries(Object.entries(implementations).map(([name, impl]) => [name, jest.fn(impl as (...args: unknown[]) => unknown)])) as unknown as MockedUseCases;
  const clock = new FixedClock();
  return {
    useCases,
    settings: { ...SETTINGS, ...overrides.settings },
    now: () => clock.now(),
    today: () => clock.now().toISOString().slice(0, 10),
    messageContext: () => ({ now: clock.now(), policy: TEST_POLICY }),
    limits: rateLimiters(clock),
    userTimeZone: jest.fn(overrides.userTimeZone ?? (async () => undefined)),
    clock,
  };
}

/** Takes every hit one person has of a limit, so the next is refused. */
export function useUpLimit(deps: FakeDeps, kind: keyof RateLimiters, key: string): void {
  for (let i = 0; i < RATE_LIMITS[kind].limit; i += 1) deps.limits[kind].take(key);
}

// ---------------------------------------------------------------- Slack's side

/** Only what the listeners call. */
export interface FakeClient {
  views: { open: jest.Mock; update: jest.Mock };
  chat: { postMessage: jest.Mock; postEphemeral: jest.Mock };
}

export const OPENED_VIEW = { id: 'V0MODAL001', hash: '1700000000.modalhash' };

export function fakeClient(): FakeClient {
  return {
    views: {
      open: jest.fn(async () => ({ ok: true, view: { ...OPENED_VIEW } })),
      update: jest.fn(async () => ({ ok: true })),
    },
    chat: {
      postMessage: jest.fn(async () => ({ ok: true, ts: '1700000000.000900' })),
      postEphemeral: jest.fn(async () => ({ ok: true, message_ts: '1700000000.000901' })),
    },
  };
}

export type FakeLogger = { [K in keyof Logger]: jest.Mock };

export function fakeLogger(): FakeLogger {
  return { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), setLevel: jest.fn(), getLevel: jest.fn(), setName: jest.fn() };
}

/** The fakes every builder puts in the arguments, typed as mocks so tests can read their calls. */
export interface SlackFakes {
  ack: jest.Mock;
  respond: jest.Mock;
  client: FakeClient;
  logger: FakeLogger;
}

function slackFakes(given: Partial<SlackFakes> = {}): SlackFakes & { say: jest.Mock; next: jest.Mock; context: AllMiddlewareArgs['context'] } {
  return {
    ack: given.ack ?? jest.fn(async () => undefined),
    respond: given.respond ?? jest.fn(async () => undefined),
    client: given.client ?? fakeClient(),
    logger: given.logger ?? fakeLogger(),
    say: jest.fn(async () => ({ ok: true })),
    next: jest.fn(async () => undefined),
    context: { isEnterpriseInstall: false },
  };
}

/** Bolt's arguments to a listener, with the fakes readable as mocks. */
export type Built<Args> = Args & SlackFakes;

const decodeInteractive = (form: string): Record<string, unknown> => JSON.parse(new URLSearchParams(form).get('payload') ?? '{}') as Record<string, unknown>;

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** A `/wfi-rotate` command (`text: 'list'`, another `user_id`…), as Slack form-encodes it. */
export function commandArgs(fields: Record<string, string> = {}, fakes: Partial<SlackFakes> = {}): Built<CommandArgs> {
  const command = Object.fromEntries(new URLSearchParams(slashCommand(fields))) as unknown as CommandArgs['command'];
  return { ...slackFakes(fakes), command, payload: command, body: command } as unknown as Built<CommandArgs>;
}

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export const RESPONSE_URL = 'https://hooks.slack.com/actions/T0TEAM001/1/click';

/** A button click on a rotation message (in the channel) or on App Home (`fromHome`). */
export function clickArgs(
  click: { actionId: string; value: string; user?: string; channelId?: string; fromHome?: boolean },
  fakes: Partial<SlackFakes> = {},
): Built<ButtonArgs> {
  const body = decodeInteractive(
    buttonClick(click.actionId, click.value, {
      responseUrl: RESPONSE_URL,
      ...(click.user ? { user: click.user } : {}),
      ...(click.channelId ? { channelId: click.channelId } : {}),
      ...(click.fromHome ? { fromHome: true } : {}),
    }),
  ) as unknown as BlockAction<ButtonAction>;
  const action = body.actions[0] as ButtonAction;
  return { ...slackFakes(fakes), body, action, payload: action } as unknown as Built<ButtonArgs>;
}

export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** A modal submitted: its callback_id, its state values as Slack sends them, and its private_metadata. */
export function submissionArgs(
  submission: { callbackId: string; values: Record<string, Record<string, Record<string, unknown>>>; user?: string; privateMetadata?: string },
  fakes: Partial<SlackFakes> = {},
): Built<SubmissionArgs> {
  const body = decodeInteractive(
    viewSubmission(submission.callbackId, submission.values, {
      ...(submission.user ? { user: submission.user } : {}),
      ...(submission.privateMetadata !== undefined ? { privateMetadata: submission.privateMetadata } : {}),
    }),
  ) as unknown as ViewSubmitAction;
  return { ...slackFakes(fakes), body, view: body.view, payload: body.view } as unknown as Built<SubmissionArgs>;
}

export type EventArgs<T extends string> = SlackEventMiddlewareArgs<T> & AllMiddlewareArgs;

/** Events are acknowledged by Bolt itself: their listeners get no `ack` or `respond`. */
export type BuiltEvent<Args> = Args & Pick<SlackFakes, 'client' | 'logger'>;

/** An Events API callback: the event as the envelope delivers it. */
export function eventArgs<T extends string>(event: Record<string, unknown>, fakes: Partial<Pick<SlackFakes, 'client' | 'logger'>> = {}): BuiltEvent<EventArgs<T>> {
  const body = JSON.parse(eventCallback(event)) as { event: Record<string, unknown> };
  const { ack: _ack, respond: _respond, ...rest } = slackFakes(fakes);
  return { ...rest, body, event: body.event, payload: body.event, message: body.event } as unknown as BuiltEvent<EventArgs<T>>;
}

// ---------------------------------------------------------------- reading what happened

/**
 * The names of the given mocks in the order of their first call; a mock
 * never called is left out. `callOrder({ ack, open })` is `['ack', 'open']`
 * when ack came first.
 */
export function callOrder(mocks: Record<string, { mock: { invocationCallOrder: number[] } }>): string[] {
  return Object.entries(mocks)
    .map(([name, mock]) => [name, mock.mock.invocationCallOrder[0]] as const)
    .filter((entry): entry is readonly [string, number] => entry[1] !== undefined)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name);
}

/** The mrkdwn of a notice modal (buildNoticeModal): its one section's text. */
export function noticeText(view: unknown): string {
  const blocks = (view as { blocks?: Array<{ text?: { text?: string } }> }).blocks ?? [];
  return blocks.map((b) => b.text?.text ?? '').join('\n');
}

/** The first argument of a mock's only call; fails when it was not called exactly once. */
export function onlyCallOf(mock: { mock: { calls: unknown[][] } }): unknown {
  expect(mock).toHaveBeenCalledTimes(1);
  return mock.mock.calls[0]?.[0];
}
