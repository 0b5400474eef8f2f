import { randomInt } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import { HTTPModuleFunctions } from '@slack/bolt';
import { validateRotationRequest } from '../../src/domain/rotation-request';
import { checkReason, checkSubmission } from '../../src/domain/step-inputs';
import {
  CONFIRMATIONS,
  MEETING_PLATFORMS,
  ROTATION_ID_PATTERN,
  isTransition,
  isUserId,
  type Rotation,
} from '../../src/domain/rotation';
import { ACTIONS, MODALS, REQUEST_BLOCKS, STEP_BLOCKS } from '../../src/slack/ids';
import { encodeRequestMeta } from '../../src/slack/parse/request-meta';
import { RATE_LIMITS } from '../../src/slack/rate-limits';
import { MAX_LINE_CHARS } from '../../src/logging';
import { openStore } from '../../src/store/keyv-factory';
import { startTestBot, tempStoreUrl, type TestBot } from '../support/bot-harness';
import { homePublished, openHome } from '../support/app-home';
import { FakeSlack } from '../../testkit/fake-slack';
import { rawStatusLine } from '../support/raw-http';
import { encodeJson, hugeString, inPool, mutate, oddString, oddValue, randomString, seededRng, type Json, type Path, type Rng } from '../support/fuzz';
import { buttonClick, requestSubmission, slashCommand, stepStates, viewSubmission } from '../../testkit/payloads';
import { aPlannedRotation, aRotationIn, APPROVER_ID, REQUESTER_ID } from '../../testkit/rotations';
import { signatureHeaders as sign, SIGNING_SECRET } from '../../testkit/slack-request';

/**
 * Thousands of generated bodies POSTed to the real bot's /slack/events:
 * mutated real payloads of every kind the bot handles, random garbage, wrong
 * content types, and requests with bad, stale or replayed signatures. The bot
 * must never crash, never answer 5xx, answer each within a second, keep its
 * memory flat, save nothing from a refused or malformed request, and still
 * serve a valid request afterwards.
 *
 * Every body is drawn from one seeded PRNG: the seed is in the suite's name,
 * and `FUZZ_SEED=<seed> npx jest test/integration/fuzz.test.ts` replays it.
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const SIGNED_CASES = Number(process.env.FUZZ_CASES ?? 3200);
const WARM_UP_CASES = 200;
const CONCURRENCY = 10;
const ANSWER_WITHIN_MS = 1000;
const HEAP_GROWTH_LIMIT = 30 * 1024 * 1024;
const BODY_LIMIT = 1024 * 1024;

// Monday 2026-03-02, 10:00 UTC: the seeded rotations' deadline (2026-03-20) and meeting (2026-03-24) are ahead.
const NOW = new Date('2026-03-02T10:00:00Z');
const ATTENDEE = 'U0ATTENDEE';
const STRANGER = 'U0STRANGER';
const PEOPLE = [REQUESTER_ID, APPROVER_ID, ATTENDEE, STRANGER] as const;
const CHANNEL = 'C0ROTATIONS';
/** Someone who took no part in the fuzz run, for the valid requests after it. */
const AFTER = 'U0AFTERFUZ';
const FORM = 'application/x-www-form-urlencoded';

/** The rotations the store starts with, one per state, so buttons and forms can name real ids and versions. */
const completedAndPlanned = aPlannedRotation({ id: 'ROT-CP2222' }, 'ROT-PN2222');
const SEEDS: Rotation[] = [
  aRotationIn('requested', { id: 'ROT-RQ2222' }),
  aRotationIn('approved', { id: 'ROT-AP2222' }),
  aRotationIn('submitted', { id: 'ROT-SB2222' }),
  aRotationIn('meeting_scheduled', { id: 'ROT-MT2222' }),
  aRotationIn('rejected', { id: 'ROT-RJ2222' }),
  aRotationIn('cancelled', { id: 'ROT-CN2222' }),
  completedAndPlanned.completed,
  completedAndPlanned.planned,
];
const SEED_IDS = SEEDS.map((r) => r.id);
const seed = (id: string) => SEEDS.find((r) => r.id === id) as Rotation;
const messageTs = (id: string) => `17000000${SEED_IDS.indexOf(id)}.000100`;

/** Which seeded rotation each button is drawn on (a state in which it is offered). */
const BUTTON_TARGETS: Record<string, string[]> = {
  [ACTIONS.approve]: ['ROT-RQ2222'],
  [ACTIONS.reject]: ['ROT-RQ2222'],
  [ACTIONS.recordSubmission]: ['ROT-AP2222'],
  [ACTIONS.scheduleMeeting]: ['ROT-SB2222', 'ROT-MT2222'],
  [ACTIONS.complete]: ['ROT-MT2222'],
  [ACTIONS.cancel]: ['ROT-RQ2222', 'ROT-AP2222', 'ROT-SB2222', 'ROT-MT2222'],
};

/** The block ids each modal has: an `errors` answer may name only these. */
const MODAL_BLOCKS: Record<string, readonly string[]> = {
  [MODALS.request]: Object.values(REQUEST_BLOCKS),
  [MODALS.startPlanned]: [REQUEST_BLOCKS.deadline, REQUEST_BLOCKS.attendeeIds, REQUEST_BLOCKS.rotationIntervalDays, REQUEST_BLOCKS.notes],
  [MODALS.reject]: [STEP_BLOCKS.reason],
  [MODALS.cancel]: [STEP_BLOCKS.reason],
  [MODALS.submission]: [STEP_BLOCKS.caseNumber, STEP_BLOCKS.submittedOn],
  [MODALS.meeting]: [
    STEP_BLOCKS.platform,
    STEP_BLOCKS.date,
    STEP_BLOCKS.time,
    STEP_BLOCKS.timeZone,
    STEP_BLOCKS.joinUrl,
    STEP_BLOCKS.attendeeIds,
  ],
  [MODALS.completion]: [STEP_BLOCKS.confirmations],
};

// ---------------------------------------------------------------------------
// Payload templates: real payloads as Slack sends them, as JSON to mutate.
// ---------------------------------------------------------------------------

interface Template {
  /** What it is, for the per-kind counts: `command`, `block_actions:<action_id>`, `view_submission:<callback_id>`, … */
  kind: string;
  encoding: 'form' | 'interactive' | 'json';
  value: Json;
  /** The fields the bot reads: mutated more often than the rest. */
  focus: Path[];
}

function decodeInteractive(body: string): Json {
  return JSON.parse(new URLSearchParams(body).get('payload') as string) as Json;
}

function commandTemplate(rng: Rng, responseUrl: string): Template {
  const id = rng.pick(SEED_IDS);
  const text = rng.pick(['', '', 'help', 'list', 'export', `status ${id}`, `status ${id.toLowerCase().slice(4)}`, 'status', 'status ROT-ZZZZZZ', 'frobnicate']);
  const value = Object.fromEntries(
    new URLSearchParams(slashCommand({ text, user_id: rng.pick(PEOPLE), channel_id: rng.pick([CHANNEL, 'D0DIRECT01', 'G0PRIVATE1']), response_url: responseUrl })),
  );
  return { kind: 'command', encoding: 'form', value, focus: [['text'], ['user_id'], ['channel_id'], ['trigger_id'], ['command'], ['response_url']] };
}

function buttonTemplate(rng: Rng, actionId: string, responseUrl: string): Template {
  let value: string;
  if (BUTTON_TARGETS[actionId]) {
    const id = rng.pick(BUTTON_TARGETS[actionId]);
    value = `${id}:${seed(id).version}`;
  } else if (actionId === ACTIONS.startPlanned) value = rng.pick(['ROT-PN2222', 'ROT-RQ2222', 'ROT-ZZZZZZ']);
  else value = rng.pick(['new', 'https://support.pega.com', '']);
  const id = value.slice(0, 10);
  const onMessage = SEED_IDS.includes(id) && rng.chance(0.7);
  const body = buttonClick(actionId, value, {
    user: rng.pick(PEOPLE),
    responseUrl,
    channelId: CHANNEL,
    ...(onMessage ? { messageTs: messageTs(id) } : {}),
    fromHome: !onMessage,
  });
  return {
    kind: `block_actions:${actionId}`,
    encoding: 'interactive',
    value: decodeInteractive(body),
    focus: [['actions', 0, 'value'], ['actions', 0, 'action_id'], ['actions', 0], ['actions'], ['user', 'id'], ['user'], ['channel'], ['trigger_id'], ['type'], ['container']],
  };
}

const STATE_FOCUS = (blocks: readonly string[], fields: string[]): Path[] =>
  blocks.flatMap((block) => [
    ['view', 'state', 'values', block],
    ['view', 'state', 'values', block, 'value'],
    ...fields.map((field) => ['view', 'state', 'values', block, 'value', field]),
  ]);

function requestSubmissionTemplate(rng: Rng): Template {
  const planned = rng.chance(0.3);
  const body = requestSubmission(
    {
      attendeeIds: [REQUESTER_ID, ATTENDEE],
      channelId: CHANNEL,
      notes: rng.pick([null, 'Handoff with the vendor on Webex', 'x']),
      rotationIntervalDays: rng.pick(['0', '90', '365']),
    },
    rng.pick(PEOPLE),
    planned ? encodeRequestMeta({ plannedRotationId: 'ROT-PN2222' }) : '',
  );
  return {
    kind: `view_submission:${MODALS.request}`,
    encoding: 'interactive',
    value: decodeInteractive(body),
    focus: [
      ...STATE_FOCUS(Object.values(REQUEST_BLOCKS), ['value', 'selected_option', 'selected_date', 'selected_conversation', 'selected_users']),
      ['view', 'private_metadata'],
      ['view', 'callback_id'],
      ['view', 'state', 'values'],
      ['view', 'state'],
      ['user', 'id'],
      ['user'],
      ['type'],
    ],
  };
}

/** Starting the planned cycle (its own form: the deadline, extra attendees, interval, notes). */
function startPlannedTemplate(rng: Rng): Template {
  const body = viewSubmission(
    MODALS.startPlanned,
    {
      deadline: { value: { type: 'datepicker', selected_date: rng.pick(['2026-06-30', '2026-07-15']) } },
      attendees: { value: { type: 'multi_users_select', selected_users: rng.pick([[], [ATTENDEE]]) } },
      notes: { value: { type: 'plain_text_input', value: rng.pick([null, 'Next cycle']) } },
    },
    { user: rng.pick(PEOPLE), privateMetadata: encodeRequestMeta({ plannedRotationId: 'ROT-PN2222' }) },
  );
  return {
    kind: `view_submission:${MODALS.startPlanned}`,
    encoding: 'interactive',
    value: decodeInteractive(body),
    focus: [
      ...STATE_FOCUS(MODAL_BLOCKS[MODALS.startPlanned] as string[], ['value', 'selected_date', 'selected_users']),
      ['view', 'private_metadata'],
      ['view', 'private_metadata'],
      ['view', 'state', 'values'],
      ['user', 'id'],
    ],
  };
}

function stepSubmissionTemplate(rng: Rng, callbackId: string): Template {
  const target: Record<string, string[]> = {
    [MODALS.reject]: ['ROT-RQ2222'],
    [MODALS.cancel]: ['ROT-RQ2222', 'ROT-AP2222', 'ROT-MT2222'],
    [MODALS.submission]: ['ROT-AP2222'],
    [MODALS.meeting]: ['ROT-SB2222', 'ROT-MT2222'],
    [MODALS.completion]: ['ROT-MT2222'],
  };
  const id = rng.pick(target[callbackId] as string[]);
  const states: Record<string, () => Record<string, Record<string, Record<string, unknown>>>> = {
    [MODALS.reject]: () => stepStates.reason(rng.pick(['Not due yet', 'Instance decommissioned'])),
    [MODALS.cancel]: () => stepStates.reason('Instance decommissioned'),
    [MODALS.submission]: () => stepStates.submission(rng.pick(['CS-0123456', 'INC0012345']), '2026-02-27'),
    [MODALS.meeting]: () =>
      stepStates.meeting({
        platform: rng.pick(MEETING_PLATFORMS),
        date: '2026-03-25',
        time: '14:30',
        timeZone: rng.pick(['Europe/Berlin', 'UTC', 'slack-user-time-zone']),
        joinUrl: rng.pick([null, 'https://acme.webex.com/meet/handoff']),
        attendeeIds: [REQUESTER_ID, ATTENDEE],
      }),
    [MODALS.completion]: () => stepStates.completion(['vault', 'integrations']),
  };
  const body = viewSubmission(callbackId, (states[callbackId] as () => Record<string, Record<string, Record<string, unknown>>>)(), {
    user: rng.pick(PEOPLE),
    privateMetadata: JSON.stringify({ rotationId: id, version: seed(id).version }),
  });
  return {
    kind: `view_submission:${callbackId}`,
    encoding: 'interactive',
    value: decodeInteractive(body),
    focus: [
      ...STATE_FOCUS(MODAL_BLOCKS[callbackId] as string[], ['value', 'selected_option', 'selected_date', 'selected_time', 'selected_users', 'selected_options']),
      ['view', 'private_metadata'],
      ['view', 'private_metadata'],
      ['view', 'callback_id'],
      ['view', 'state', 'values'],
      ['user', 'id'],
      ['type'],
    ],
  };
}

function eventEnvelope(event: Record<string, Json>): Json {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0TEAM001',
    api_app_id: 'A0APP0001',
    event,
    type: 'event_callback',
    event_id: 'Ev0FUZZ001',
    event_time: 1772445600,
    authorizations: [{ enterprise_id: null, team_id: 'T0TEAM001', user_id: 'UBOT0001', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

const EVENT_FOCUS: Path[] = [['event', 'user'], ['event', 'text'], ['event', 'channel'], ['event', 'thread_ts'], ['event', 'ts'], ['event', 'subtype'], ['event', 'type'], ['event', 'tab'], ['event'], ['authorizations'], ['type']];

function homeOpenedTemplate(rng: Rng): Template {
  const event = { type: 'app_home_opened', user: rng.pick(PEOPLE), channel: 'D0HOME0001', tab: rng.pick(['home', 'home', 'messages']), event_ts: '1772445600.000100' };
  return { kind: 'event:app_home_opened', encoding: 'json', value: eventEnvelope(event), focus: EVENT_FOCUS };
}

/** Message events as the bot will see them once it subscribes to `message`: in channels, threads and DMs, of every odd shape. */
function messageTemplate(rng: Rng): Template {
  const id = rng.pick(SEED_IDS);
  const thread = { channel: CHANNEL, thread_ts: messageTs(id), ts: `1772445${rng.between(100, 999)}.000200` };
  const text = rng.pick([
    'When is the handoff?',
    'client_secret=Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZg',
    'here: Q2xpZW50U2VjcmV0MTIzNDU2Nzg5MGFiY2Rl',
    `see ${id}`,
    hugeString(rng),
    '',
  ]);
  const shapes: Array<() => Record<string, Json>> = [
    () => ({ type: 'message', channel: CHANNEL, user: rng.pick(PEOPLE), text, ts: thread.ts, channel_type: 'channel', event_ts: thread.ts }),
    () => ({ type: 'message', ...thread, user: rng.pick(PEOPLE), text, channel_type: 'channel', event_ts: thread.ts }),
    () => ({ type: 'message', ...thread, text, channel_type: 'channel' }),
    () => ({ type: 'message', subtype: 'bot_message', bot_id: 'BOTHER001', username: 'another bot', ...thread, text }),
    () => ({ type: 'message', user: 'UBOT0001', bot_id: 'BBOT0001', ...thread, text }),
    () => ({ type: 'message', subtype: 'thread_broadcast', ...thread, user: rng.pick(PEOPLE), text }),
    () => ({ type: 'message', subtype: 'message_changed', channel: CHANNEL, hidden: true, ts: thread.ts, message: { type: 'message', user: REQUESTER_ID, text, ts: thread.ts, thread_ts: thread.thread_ts }, previous_message: { type: 'message', user: REQUESTER_ID, text: 'before', ts: thread.ts } }),
    () => ({ type: 'message', subtype: 'message_deleted', channel: CHANNEL, hidden: true, deleted_ts: thread.ts, ts: thread.ts, previous_message: { type: 'message', user: REQUESTER_ID, text } }),
    () => ({ type: 'message', subtype: 'file_share', ...thread, user: rng.pick(PEOPLE), text, files: [{ id: 'F0FILE0001', name: 'secret.txt' }] }),
    () => ({ type: 'message', channel: 'D0DIRECT01', channel_type: 'im', user: rng.pick(PEOPLE), text, ts: thread.ts }),
    () => ({ type: 'message', subtype: 'channel_join', channel: CHANNEL, user: STRANGER, text: '<@U0STRANGER> has joined the channel', ts: thread.ts }),
  ];
  return { kind: 'event:message', encoding: 'json', value: eventEnvelope(rng.pick(shapes)()), focus: EVENT_FOCUS };
}

function urlVerificationTemplate(rng: Rng): Template {
  return {
    kind: 'url_verification',
    encoding: 'json',
    value: { token: 'legacy-verification-token', challenge: randomString(rng, 40) || 'challenge', type: 'url_verification' },
    focus: [['challenge'], ['type']],
  };
}

function sslCheckTemplate(): Template {
  return { kind: 'ssl_check', encoding: 'form', value: { ssl_check: '1', token: 'legacy-verification-token' }, focus: [['ssl_check'], ['token']] };
}

/** Every kind of payload, in turn, so each button and form is covered in every run. */
function templateMakers(responseUrl: string): Array<(rng: Rng) => Template> {
  return [
    (rng) => commandTemplate(rng, responseUrl),
    (rng) => commandTemplate(rng, responseUrl),
    ...Object.values(ACTIONS).map((actionId) => (rng: Rng) => buttonTemplate(rng, actionId, responseUrl)),
    (rng) => requestSubmissionTemplate(rng),
    (rng) => requestSubmissionTemplate(rng),
    (rng) => requestSubmissionTemplate(rng),
    (rng) => startPlannedTemplate(rng),
    ...Object.values(MODALS)
      .filter((callbackId) => callbackId !== MODALS.request && callbackId !== MODALS.startPlanned)
      .map((callbackId) => (rng: Rng) => stepSubmissionTemplate(rng, callbackId)),
    homeOpenedTemplate,
    messageTemplate,
    messageTemplate,
    urlVerificationTemplate,
    () => sslCheckTemplate(),
  ];
}

// ---------------------------------------------------------------------------
// Encoding, signing and what the receiver must answer.
// ---------------------------------------------------------------------------

function encodeForm(value: Json): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return encodeJson(value);
  const params = new URLSearchParams();
  for (const [key, field] of Object.entries(value)) {
    for (const item of Array.isArray(field) ? field : [field]) params.append(key, typeof item === 'string' ? item : encodeJson(item));
  }
  return params.toString();
}

function encodeTemplate(template: Template, value: Json): { text: string; contentType: string } {
  switch (template.encoding) {
    case 'form':
      return { text: encodeForm(value), contentType: FORM };
    case 'interactive':
      return { text: new URLSearchParams({ payload: encodeJson(value) }).toString(), contentType: FORM };
    default:
      return { text: encodeJson(value), contentType: 'application/json' };
  }
}

/** Bolt's `respond()` posts to `response_url`: keep every one of them on the fake Slack or unusable. */
function keepResponseUrlsLocal(value: Json, responseUrl: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const local = (url: Json): Json => {
    if (typeof url !== 'string') return url;
    try {
      const host = new URL(url).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? url : responseUrl;
    } catch {
      return url;
    }
  };
  if (Object.hasOwn(value, 'response_url')) value.response_url = local(value.response_url as Json);
  const urls = value.response_urls;
  if (Array.isArray(urls)) {
    for (const entry of urls) {
      if (entry !== null && typeof entry === 'object' && !Array.isArray(entry) && Object.hasOwn(entry, 'response_url')) {
        entry.response_url = local(entry.response_url as Json);
      }
    }
  }
  return value;
}

/** Changes to the encoding itself, applied to some bodies: wrong content types, broken or doubled fields. */
function mangleEncoding(rng: Rng, text: string, contentType: string): { text: string; contentType: string | undefined } {
  switch (rng.int(10)) {
    case 0:
      return { text, contentType: contentType === FORM ? 'application/json' : FORM };
    case 1:
      return { text, contentType: rng.pick([undefined, 'text/plain', `${FORM}; charset=utf-8`, 'multipart/form-data; boundary=x', 'application/xml', 'APPLICATION/X-WWW-FORM-URLENCODED']) };
    case 2:
      return { text: text.slice(0, rng.int(text.length)), contentType };
    case 3:
      return { text: `${text}&${new URLSearchParams({ payload: randomString(rng, 20) }).toString()}`, contentType };
    case 4:
      return { text: `${text}${rng.pick(['&', '&&&', '=', '%', '%zz', '}', ']]]', '\u0000', ' '])}`, contentType };
    case 5:
      return { text: text.replace(/%[0-9A-F]{2}/, rng.pick(['%', '%Z', '%%', '%u0041'])), contentType };
    case 6:
      return { text: `${encodeForm({ ssl_check: '1' })}&${text}`, contentType };
    default:
      return { text, contentType };
  }
}

/** Random bodies that were never a Slack payload. */
function garbage(rng: Rng): { text: string; contentType: string | undefined } {
  const contentType = rng.pick([FORM, FORM, 'application/json', 'application/json', undefined, 'text/plain', `${FORM}; charset=utf-8`]);
  switch (rng.int(8)) {
    case 0:
      return { text: '', contentType };
    case 1:
      return { text: randomString(rng, 400), contentType };
    case 2:
      return { text: encodeJson(oddValue(rng)), contentType };
    case 3:
      return { text: new URLSearchParams({ payload: encodeJson(oddValue(rng)) }).toString(), contentType };
    case 4:
      return { text: `payload=${rng.pick(['null', '1', '"x"', '[]', 'true', '{', '[1,', '{"type":null}', '{"type":"block_actions"}', '{"type":"view_submission"}', '{"type":"view_submission","view":null}', '{"type":"event_callback","event":null}', '{"type":"event_callback","event":"x"}', '{"command":"/wfi-rotate"}', '{"actions":[null]}', '{"actions":{}}'])}`, contentType };
    case 5:
      return { text: encodeForm(Object.fromEntries(Array.from({ length: rng.int(6) }, () => [oddString(rng).slice(0, 40), oddValue(rng)]))), contentType };
    case 6:
      return { text: rng.pick(['{"type":"event_callback","event":{"type":"message"}}', '{"type":"event_callback","event":{}}', '{"event":[]}', '{"type":"url_verification"}', '{"ssl_check":"1"}', '{"__proto__":{"type":"block_actions"}}']), contentType };
    default:
      return { text: hugeString(rng), contentType };
  }
}

/**
 * The status the receiver owes a correctly signed body: 413 over the limit;
 * else what parsing it the way Bolt does yields: an object is processed (200),
 * anything else (unparseable, null, a number, an array, a url_verification
 * whose challenge is not a string) is refused with 400.
 * An `ssl_check=1` form is answered 200 whatever else it holds.
 */
function owedStatus(body: Buffer, contentType: string | undefined): number {
  if (body.length > BODY_LIMIT) return 413;
  if (contentType === FORM && new URLSearchParams(body.toString()).getAll('ssl_check').join() === '1') return 200;
  try {
    const parsed: unknown = HTTPModuleFunctions.parseHTTPRequestBody({
      rawBody: body,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
    } as never);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 400;
    const fields = parsed as Record<string, unknown>;
    // A url_verification is echoed only with a string challenge, as Slack sends it.
    if (fields.ssl_check !== '1' && fields.type === 'url_verification' && typeof fields.challenge !== 'string') return 400;
    return 200;
  } catch {
    return 400;
  }
}

/**
 * What a signed body may get. Over the limit, the bot answers 413 and closes
 * the connection without reading the rest; a client still writing the body
 * then may see the connection reset before it reads the answer (status 0
 * here). Either way the body was refused unread.
 */
function owed(body: Buffer, contentType: string | undefined): number[] {
  const status = owedStatus(body, contentType);
  return status === 413 ? [413, 0] : [status];
}

// ---------------------------------------------------------------------------
// Sending and recording.
// ---------------------------------------------------------------------------

interface Sent {
  category: string;
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
  expected: readonly number[];
  /** The callback_id of a view_submission as sent (after mutation), to check an `errors` answer against its blocks. */
  callbackId?: string;
  /** A request-modal submission from a Slack user that Bolt routes to its listener: an empty 200 may mean a rotation was saved. */
  savesWhenAccepted?: boolean;
}

interface Answer {
  status: number;
  text: string;
  ms: number;
}

/**
 * POSTs one body. Each lane of the run has its own keep-alive connection, so a
 * connection never sits idle long enough to race the bot's keep-alive timeout;
 * a body over the limit goes on a connection of its own, which the bot closes
 * after answering 413 without reading the rest.
 */
function post(port: number, sent: Sent, agent: Agent | false = false): Promise<Answer> {
  const started = performance.now();
  const own = sent.body.length > BODY_LIMIT ? false : agent;
  return new Promise((resolve) => {
    const answered = (status: number, text: string) => resolve({ status, text, ms: performance.now() - started });
    const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/slack/events', headers: sent.headers, agent: own }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => answered(response.statusCode ?? 0, Buffer.concat(chunks).toString()));
      response.on('error', () => answered(response.statusCode ?? 0, Buffer.concat(chunks).toString()));
    });
    request.setTimeout(10_000, () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', (error) => answered(0, String(error)));
    request.end(sent.body);
  });
}

/** One keep-alive connection per lane of a run; destroyed when the run is over. */
async function sendAll(port: number, cases: readonly Sent[], outcomes: Outcomes): Promise<void> {
  const agents = Array.from({ length: CONCURRENCY }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    await inPool(cases, CONCURRENCY, async (sent, _index, lane) => outcomes.record(sent, await post(port, sent, agents[lane])));
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

class Outcomes {
  /** category → status → count */
  readonly counts = new Map<string, Map<number, number>>();
  readonly kinds = new Map<string, number>();
  /** kind → answer times, for the report. */
  readonly times = new Map<string, number[]>();
  readonly problems: string[] = [];
  slowest = 0;
  /** Empty 200s to a request-modal submission from a Slack user: only these may have saved a rotation. */
  acceptedRequests = 0;
  errorsAnswers = 0;

  record(sent: Sent, answer: Answer): void {
    const byStatus = this.counts.get(sent.category) ?? new Map<number, number>();
    byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    this.counts.set(sent.category, byStatus);
    this.kinds.set(sent.kind, (this.kinds.get(sent.kind) ?? 0) + 1);
    this.times.set(sent.kind, [...(this.times.get(sent.kind) ?? []), answer.ms]);
    this.slowest = Math.max(this.slowest, answer.ms);
    const what = () => `${sent.category}/${sent.kind} (${sent.body.length} bytes, ${sent.headers['content-type'] ?? 'no content-type'}): ${sent.body.toString().slice(0, 300)}`;
    if (!sent.expected.includes(answer.status)) this.problems.push(`status ${answer.status} (owed ${sent.expected.join('/')}) for ${what()} → ${answer.text.slice(0, 200)}`);
    if (answer.ms >= ANSWER_WITHIN_MS) this.problems.push(`answered in ${Math.round(answer.ms)} ms: ${what()}`);
    if (answer.status !== 200 || !sent.callbackId) return;
    if (answer.text === '') {
      if (sent.savesWhenAccepted) this.acceptedRequests += 1;
      return;
    }
    let reply: { response_action?: string; errors?: Record<string, unknown> };
    try {
      reply = JSON.parse(answer.text) as typeof reply;
    } catch {
      this.problems.push(`a view_submission answered with something that is not JSON: ${answer.text.slice(0, 200)}`);
      return;
    }
    if (reply.response_action === 'errors') {
      this.errorsAnswers += 1;
      const allowed = MODAL_BLOCKS[sent.callbackId] ?? [];
      const keys = Object.keys(reply.errors ?? {});
      if (keys.length === 0 || keys.some((key) => !allowed.includes(key))) {
        this.problems.push(`errors for blocks the ${sent.callbackId} modal does not have: ${keys.join(', ')}`);
      }
    } else if (reply.response_action !== 'update') {
      this.problems.push(`a view_submission answered ${answer.text.slice(0, 200)}`);
    }
  }

  total(category?: string): number {
    let total = 0;
    for (const [name, byStatus] of this.counts) if (!category || name === category) for (const n of byStatus.values()) total += n;
    return total;
  }

  count(category: string, status: number): number {
    return this.counts.get(category)?.get(status) ?? 0;
  }

  /** The slowest kinds: p50, p99 and the slowest answer of each. */
  latencies(): string {
    return [...this.times]
      .map(([kind, ms]) => {
        const sorted = [...ms].sort((a, b) => a - b);
        const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
        return { kind, text: `${kind} p50 ${at(0.5)} p99 ${at(0.99)} max ${at(1)} ms`, max: at(1) };
      })
      .sort((a, b) => b.max - a.max)
      .slice(0, 8)
      .map((entry) => entry.text)
      .join('; ');
  }

  summary(): string {
    return [...this.counts]
      .map(([category, byStatus]) => `${category}: ${[...byStatus].map(([status, n]) => `${status}×${n}`).join(' ')}`)
      .join('; ');
  }
}

/** The signed bodies of the fuzz run: mutated real payloads (most), untouched ones, and garbage. */
function signedCase(rng: Rng, makers: Array<(rng: Rng) => Template>, index: number, responseUrl: string): Sent {
  if (rng.chance(0.12)) {
    const { text, contentType } = garbage(rng);
    const body = Buffer.from(text);
    return { category: 'signed-garbage', kind: 'garbage', body, headers: headersFor(body, contentType, rng), expected: owed(body, contentType) };
  }
  const template = (makers[index % makers.length] as (rng: Rng) => Template)(rng);
  const untouched = rng.chance(0.08);
  const value = keepResponseUrlsLocal(untouched ? template.value : mutate(rng, template.value, { focus: template.focus, extra: SEED_IDS }), responseUrl);
  const encoded = encodeTemplate(template, value);
  const { text, contentType } = !untouched && rng.chance(0.2) ? mangleEncoding(rng, encoded.text, encoded.contentType) : { ...encoded };
  const body = Buffer.from(text);
  // What the bot reads from the body as it arrives: a mangled encoding that still parses (a trailing `&`, a
  // second payload after the first) is the same submission, and may save a rotation as the untouched one would.
  const parsed = asTheBotReadsIt(body, contentType);
  const view = isObject(parsed) && isObject(parsed.view) ? parsed.view : undefined;
  const callbackId = isObject(parsed) && parsed.type === 'view_submission' && typeof view?.callback_id === 'string' ? view.callback_id : undefined;
  // What routes a body elsewhere in Bolt (an event, a command, options, an action) or stops it before the listeners (no Slack user).
  const routed = isObject(parsed) && ['event', 'command', 'name', 'actions'].every((key) => !Object.hasOwn(parsed, key));
  const user = isObject(parsed) && isObject(parsed.user) ? parsed.user.id : undefined;
  const savesWhenAccepted = (callbackId === MODALS.request || callbackId === MODALS.startPlanned) && routed && typeof user === 'string' && isUserId(user);
  return {
    category: untouched ? 'signed-untouched' : 'signed-mutated',
    kind: template.kind,
    body,
    headers: headersFor(body, contentType, rng),
    expected: owed(body, contentType),
    ...(callbackId ? { callbackId } : {}),
    ...(savesWhenAccepted ? { savesWhenAccepted } : {}),
  };
}

/** The payload the bot dispatches for this body (Bolt's own parser; an ssl_check is answered before any listener), or undefined. */
function asTheBotReadsIt(body: Buffer, contentType: string | undefined): unknown {
  if (contentType === FORM && new URLSearchParams(body.toString()).get('ssl_check') === '1') return undefined;
  try {
    const request = { rawBody: body, headers: contentType === undefined ? {} : { 'content-type': contentType } };
    return HTTPModuleFunctions.parseHTTPRequestBody(request as unknown as Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0]) as unknown;
  } catch {
    return undefined;
  }
}

function headersFor(body: Buffer, contentType: string | undefined, rng: Rng): Record<string, string> {
  // Anywhere in Slack's five minutes, and a retry now and then (Events API redeliveries carry these).
  const headers: Record<string, string> = { ...sign(body, { timestamp: Math.floor(Date.now() / 1000) - rng.int(240) }) };
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (rng.chance(0.05)) Object.assign(headers, { 'x-slack-retry-num': rng.pick(['1', '2', 'x', '-1']), 'x-slack-retry-reason': rng.pick(['http_timeout', '']) });
  return headers;
}

const isObject = (value: unknown): value is Record<string, Json> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Requests that must be refused with 401 and change nothing: valid bodies that
 * would each do something (open a form, save a rotation, approve, publish a
 * home tab), sent unsigned, with another secret, stale, with the signature of
 * another body or another timestamp, malformed signature headers, or bytes
 * that are not UTF-8 (Bolt verifies the decoded text, so Slack's signature of
 * the raw bytes cannot match; Slack never sends such a body).
 */
function refusedCase(rng: Rng, effectful: Array<{ kind: string; text: string; contentType: string }>): Sent {
  const { kind, text, contentType } = rng.pick(effectful);
  const body = Buffer.from(text);
  const now = Math.floor(Date.now() / 1000);
  const other = Buffer.from(rng.pick(effectful).text + (rng.chance(0.5) ? '' : '&x=1'));
  const correct = sign(body);
  const hash = (correct['x-slack-signature'] as string).slice(3);
  const variants: Array<[string, () => Record<string, string>]> = [
    ['unsigned', () => ({})],
    ['wrong-secret', () => sign(body, { secret: rng.pick(['not-the-signing-secret', '', `${SIGNING_SECRET} `, SIGNING_SECRET.toUpperCase()]) })],
    ['stale', () => sign(body, { timestamp: now - rng.pick([301, 330, 3600, 86_400, now - 1]) })],
    ['replayed-other-body', () => sign(other.equals(body) ? Buffer.concat([other, Buffer.from('&y=2')]) : other)],
    ['replayed-other-timestamp', () => ({ ...correct, 'x-slack-request-timestamp': String(now - 1 - rng.int(200)) })],
    ['stale-replay', () => sign(body, { timestamp: now - 600 - rng.int(100_000) })],
    [
      'malformed-signature',
      () => ({
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': rng.pick([`v1=${hash}`, 'v0=', 'v0', '', `v0=${hash.toUpperCase()}`, `v0=${hash.slice(0, 63)}`, `v0=${hash}0`, `v0=${hash}\u00a0`, `${hash}`, `v0=v0=${hash}`]),
      }),
    ],
    [
      'malformed-timestamp',
      () => {
        const stamp = rng.pick(['', 'abc', 'NaN', '1e99', '-1', `${now}abc`]);
        return { 'x-slack-request-timestamp': stamp, 'x-slack-signature': sign(body, { timestamp: stamp })['x-slack-signature'] as string };
      },
    ],
    ['no-timestamp', () => ({ 'x-slack-signature': correct['x-slack-signature'] as string })],
    ['no-signature', () => ({ 'x-slack-request-timestamp': correct['x-slack-request-timestamp'] as string })],
  ];
  if (rng.chance(0.1)) {
    // Signed as Slack signs: over the bytes, which are not UTF-8 here.
    const at = rng.int(body.length);
    const bytes = Buffer.concat([body.subarray(0, at), Buffer.from(rng.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])), body.subarray(at)]);
    return { category: 'refused:invalid-utf8', kind, body: bytes, headers: { 'content-type': contentType, ...sign(bytes) }, expected: [401] };
  }
  const [variant, headers] = rng.pick(variants);
  return { category: `refused:${variant}`, kind, body, headers: { 'content-type': contentType, ...headers() }, expected: [401] };
}

// ---------------------------------------------------------------------------
// What the store may hold afterwards.
// ---------------------------------------------------------------------------

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Everything wrong with a stored rotation: nothing half-saved, nothing that validation would refuse. */
function rotationProblems(rotation: Rotation): string[] {
  const problems: string[] = [];
  const bad = (what: string) => problems.push(`${String(rotation.id).slice(0, 40)}: ${what}`);
  if (typeof rotation.id !== 'string' || !ROTATION_ID_PATTERN.test(rotation.id)) bad('id is not a rotation id');
  if (!isUserId(String(rotation.requesterId))) bad(`requesterId ${JSON.stringify(rotation.requesterId)?.slice(0, 60)} is not a user id`);
  const request = validateRotationRequest(
    {
      instanceUrl: rotation.instanceUrl,
      environmentType: rotation.environmentType,
      // A seeded rotation's deadline may have passed for the fixed clock; only the form of the date is checked here.
      deadline: rotation.deadline,
      channelId: rotation.channelId,
      attendeeIds: rotation.attendeeIds,
      ...(rotation.notes !== undefined ? { notes: rotation.notes } : {}),
      ...(rotation.rotationIntervalDays !== undefined ? { rotationIntervalDays: String(rotation.rotationIntervalDays) } : {}),
    },
    { instanceDomain: 'wfi.pega.com', today: '2026-01-01' },
  );
  if (!request.ok) bad(`fields validation would refuse: ${JSON.stringify(request.errors)}`);
  else if (request.request.instanceUrl !== rotation.instanceUrl) bad('instance URL not normalised');
  const transitions = rotation.history.filter(isTransition);
  if (rotation.version !== transitions.length) bad(`version ${rotation.version} but ${transitions.length} transitions`);
  let state: string | null = null;
  for (const entry of rotation.history) {
    if (!isUserId(String(entry.actorId))) bad(`history actor ${JSON.stringify(entry.actorId)?.slice(0, 60)} is not a user id`);
    if (!ISO_INSTANT.test(String(entry.at))) bad(`history time ${String(entry.at).slice(0, 40)}`);
    if (isTransition(entry)) {
      if (entry.from !== state) bad(`history jumps from ${state} to an entry from ${entry.from}`);
      state = entry.to;
      if ((entry.to === 'approved' || entry.to === 'rejected') && entry.actorId !== APPROVER_ID) bad(`${entry.to} by ${entry.actorId}, not an approver`);
    } else if (entry.from !== state || entry.to !== state) bad('an event entry that changes the state');
  }
  if (state !== rotation.status) bad(`history ends in ${state}, status is ${rotation.status}`);
  const steps = rotation as Partial<{ approval: { by: string }; rejection: { by: string; reason: string }; cancellation: { by: string; reason: string } }> & Partial<Record<'submission' | 'meeting' | 'completion', Record<string, unknown>>>;
  for (const closure of [steps.rejection, steps.cancellation]) {
    if (closure && !checkReason(closure.reason).ok) bad(`a reason validation would refuse: ${String(closure.reason).slice(0, 60)}`);
  }
  if (steps.submission) {
    const checked = checkSubmission({ caseNumber: steps.submission.caseNumber as string, submittedOn: steps.submission.submittedOn as string }, { today: '2026-03-02' });
    if (!checked.ok) bad(`a submission validation would refuse: ${JSON.stringify(checked.errors)}`);
  }
  if (steps.meeting) {
    const meeting = steps.meeting as { platform: string; startsAt: string; attendeeIds: unknown; joinUrl?: unknown };
    if (!(MEETING_PLATFORMS as readonly string[]).includes(meeting.platform)) bad(`meeting platform ${String(meeting.platform).slice(0, 40)}`);
    if (!ISO_INSTANT.test(String(meeting.startsAt))) bad('meeting start is not an instant');
    if (!Array.isArray(meeting.attendeeIds) || !meeting.attendeeIds.every((id) => typeof id === 'string' && isUserId(id))) bad('meeting attendees are not user ids');
    if (meeting.joinUrl !== undefined && !String(meeting.joinUrl).startsWith('https://')) bad('meeting link is not https');
  }
  if (steps.completion) {
    const confirmations = steps.completion.confirmations;
    if (!Array.isArray(confirmations) || !confirmations.every((c) => typeof c === 'string' && Object.hasOwn(CONFIRMATIONS, c))) bad('unknown confirmations');
  }
  for (const step of [steps.approval, steps.rejection, steps.cancellation, steps.submission, steps.meeting, steps.completion]) {
    if (step && !isUserId(String(step.by))) bad(`a step by ${JSON.stringify(step.by)?.slice(0, 60)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// The real process, heap and timing.
// ---------------------------------------------------------------------------

/** Jest gives each test file its own `process` object; crashes are reported on the real one. */
const realProcess = runInThisContext('process') as NodeJS.Process;

setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 4; i += 1) collectGarbage();
  return realProcess.memoryUsage().heapUsed;
}

async function settled(fake: FakeSlack, quietMs = 400, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const seen = fake.calls.length + fake.responses.length + fake.uploads.length;
    if (seen !== last) {
      last = seen;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the bot kept calling Slack long after the fuzz run');
}

describe(`fuzzing POST /slack/events of the real bot (FUZZ_SEED=${SEED})`, () => {
  const fake = new FakeSlack();
  let store: ReturnType<typeof tempStoreUrl>;
  let bot: TestBot;
  /** Crashes since the last test ended, and in the whole run. */
  const crashes: string[] = [];
  let crashCount = 0;
  const crashed = (what: string) => {
    crashes.push(what);
    crashCount += 1;
  };
  const onRejection = (reason: unknown) => crashed(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`);
  const onException = (error: Error) => crashed(`uncaughtException: ${error.stack ?? String(error)}`);
  const rng = seededRng(SEED);
  const port = () => bot.port;

  async function storedRotations(): Promise<Rotation[]> {
    // A second connection to the same SQLite file: the bot keeps running.
    const reader = openStore(store.url).rotations;
    try {
      return await reader.list();
    } finally {
      await reader.close();
    }
  }

  beforeAll(async () => {
    realProcess.on('unhandledRejection', onRejection);
    realProcess.on('uncaughtException', onException);
    await fake.start();
    store = tempStoreUrl();
    const seeder = openStore(store.url).rotations;
    for (const rotation of SEEDS) {
      await seeder.insert(rotation);
      if (rotation.status !== 'planned') await seeder.setMessage(rotation.id, { channelId: CHANNEL, ts: messageTs(rotation.id) });
    }
    await seeder.close();
    bot = await startTestBot(fake, {
      storeUrl: store.url,
      now: NOW,
      // The per-person limits on clicks and commands would turn most of the run away before any listener runs
      // (the limiter still counts every request; its own suite checks those limits). The production limit on
      // rotations created stays: it bounds how many a few people can add, as it does in production.
      rateLimits: {
        requests: RATE_LIMITS.requests,
        clicks: { limit: 1_000_000, windowMs: 60_000 },
        commands: { limit: 1_000_000, windowMs: 60_000 },
        exposureNotices: RATE_LIMITS.exposureNotices,
      },
      // No scheduler tick during the run: every call the fake records comes from a request.
      env: { WFI_APPROVERS: `${APPROVER_ID},S0GROUP001`, WFI_SCHEDULER_INTERVAL_SECONDS: '3600' },
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
    store?.cleanup();
    realProcess.off('unhandledRejection', onRejection);
    realProcess.off('uncaughtException', onException);
  });

  afterEach(() => {
    // Reported per test, so the one that crashed the bot is the one that fails.
    expect(crashes.splice(0)).toEqual([]);
  });

  it('refuses unsigned, stale, replayed and mis-signed requests with 401 and changes nothing', async () => {
    const responseUrl = fake.responseUrl('refused');
    const effectful = [
      { kind: 'command', text: slashCommand({ response_url: responseUrl }), contentType: FORM },
      { kind: 'command:list', text: slashCommand({ text: 'list', response_url: responseUrl }), contentType: FORM },
      { kind: 'view_submission:wfi_request', text: requestSubmission({ channelId: CHANNEL }, REQUESTER_ID), contentType: FORM },
      { kind: 'block_actions:approve', text: buttonClick(ACTIONS.approve, 'ROT-RQ2222:1', { user: APPROVER_ID, responseUrl }), contentType: FORM },
      {
        kind: 'view_submission:wfi_cancel',
        text: viewSubmission(MODALS.cancel, stepStates.reason('Instance decommissioned'), { user: REQUESTER_ID, privateMetadata: JSON.stringify({ rotationId: 'ROT-AP2222', version: seed('ROT-AP2222').version }) }),
        contentType: FORM,
      },
      { kind: 'event:app_home_opened', text: encodeJson(homeOpenedTemplate(seededRng(1)).value), contentType: 'application/json' },
      {
        kind: 'event:message',
        text: encodeJson(eventEnvelope({ type: 'message', channel: CHANNEL, thread_ts: messageTs('ROT-RQ2222'), ts: '1772445601.000200', user: REQUESTER_ID, text: 'client_secret=Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZg' })),
        contentType: 'application/json',
      },
    ];
    const before = { rotations: JSON.stringify(await storedRotations()), calls: fake.calls.length, responses: fake.responses.length };
    const outcomes = new Outcomes();
    const cases = Array.from({ length: 700 }, () => refusedCase(rng, effectful));
    // An ssl_check needs no signature (Slack's rule): one carrying a smuggled payload is answered 200 and does nothing.
    for (const { text } of effectful.filter((e) => e.contentType === FORM)) {
      const body = Buffer.from(`ssl_check=1&${text}`);
      cases.push({ category: 'unsigned-ssl_check', kind: 'ssl_check', body, headers: { 'content-type': FORM }, expected: [200] });
    }
    await sendAll(port(), cases, outcomes);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(outcomes.problems.slice(0, 20)).toEqual([]);
    for (const category of ['refused:unsigned', 'refused:stale', 'refused:replayed-other-body', 'refused:wrong-secret', 'refused:malformed-signature', 'refused:invalid-utf8']) {
      expect(outcomes.total(category)).toBeGreaterThan(0);
      expect(outcomes.count(category, 401)).toBe(outcomes.total(category));
    }
    expect(outcomes.count('unsigned-ssl_check', 200)).toBe(outcomes.total('unsigned-ssl_check'));
    expect(outcomes.total()).toBe(cases.length);
    expect(fake.calls.length).toBe(before.calls);
    expect(fake.responses.length).toBe(before.responses);
    expect(JSON.stringify(await storedRotations())).toBe(before.rotations);
  });

  it('survives thousands of signed, malformed bodies: no crash, no 5xx, each answered within a second, heap flat, nothing half-saved', async () => {
    const responseUrl = fake.responseUrl('fuzz');
    const makers = templateMakers(responseUrl);
    const send = async (count: number, outcomes: Outcomes, offset: number) => {
      const cases = Array.from({ length: count }, (_, i) => signedCase(rng, makers, offset + i, responseUrl));
      await sendAll(port(), cases, outcomes);
    };

    // The ids of every rotation message posted, kept before the fake's recordings are cleared.
    const postedIds = new Set<string>();
    const keepPostedIds = () => {
      for (const call of fake.callsTo('chat.postMessage')) postedIds.add(/ROT-[A-Z0-9]{6}/.exec(String(call.args.text))?.[0] ?? '');
    };

    // Warm-up: modules loaded, code compiled, pools filled, before the heap is measured.
    const warmUp = new Outcomes();
    await send(WARM_UP_CASES, warmUp, 0);
    await settled(fake);
    keepPostedIds();
    fake.calls.length = 0;
    fake.responses.length = 0;
    fake.uploads.length = 0;
    bot.logger.lines.length = 0;
    const heapBefore = heapAfterGc();
    const started = performance.now();

    const outcomes = new Outcomes();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    await send(SIGNED_CASES, outcomes, WARM_UP_CASES);
    loopDelay.disable();
    const elapsed = performance.now() - started;
    await settled(fake);

    if (process.env.FUZZ_REPORT) {
      console.log(
        `FUZZ_SEED=${SEED}: ${outcomes.total()} bodies in ${Math.round(elapsed)} ms (event loop delayed at most ${Math.round(loopDelay.max / 1e6)} ms); ` +
          `${outcomes.summary()}; slowest kinds: ${outcomes.latencies()}`,
      );
    }
    const problems = [...warmUp.problems, ...outcomes.problems];
    if (problems.length > 0) {
      throw new Error(`${problems.length} problem(s) with FUZZ_SEED=${SEED} (${outcomes.summary()}):\n${problems.slice(0, 15).join('\n')}`);
    }
    // Every kind of payload was sent, and the mutated ones were answered both ways.
    for (const kind of [
      'command',
      ...Object.values(ACTIONS).map((a) => `block_actions:${a}`),
      ...Object.values(MODALS).map((m) => `view_submission:${m}`),
      'event:app_home_opened',
      'event:message',
      'url_verification',
      'ssl_check',
    ]) {
      expect({ kind, sent: (outcomes.kinds.get(kind) ?? 0) >= Math.floor(SIGNED_CASES / 40) }).toEqual({ kind, sent: true });
    }
    const signed = ['signed-mutated', 'signed-untouched', 'signed-garbage'];
    expect(signed.reduce((n, c) => n + outcomes.total(c), 0)).toBe(SIGNED_CASES);
    for (const category of signed) {
      const total = outcomes.total(category);
      expect(total).toBeGreaterThan(0);
      // No 5xx, no 401 to a correctly signed body; a dropped connection only for a body over the limit (checked per body).
      expect([category, outcomes.count(category, 200) + outcomes.count(category, 400) + outcomes.count(category, 413) + outcomes.count(category, 0)]).toEqual([category, total]);
    }
    expect(outcomes.count('signed-mutated', 200)).toBeGreaterThan(0);
    expect(outcomes.count('signed-mutated', 400)).toBeGreaterThan(0);
    expect(outcomes.count('signed-untouched', 200)).toBe(outcomes.total('signed-untouched'));
    expect(outcomes.errorsAnswers).toBeGreaterThan(0);
    expect(outcomes.slowest).toBeLessThan(ANSWER_WITHIN_MS);

    // Nothing half-saved: every rotation in the store is one validation accepts, with a consistent history;
    // each new one was saved by a submission the bot accepted, and its message was posted and recorded.
    const rotations = await storedRotations();
    const storeProblems = rotations.flatMap(rotationProblems);
    expect(storeProblems.slice(0, 20)).toEqual([]);
    const created = rotations.filter((r) => !SEED_IDS.includes(r.id));
    const plannedStarted = rotations.find((r) => r.id === 'ROT-PN2222')?.status !== 'planned';
    // At most one per form answered with a plain ack (fewer where a malformed form made a listener throw, which is
    // answered the same way): a rotation saved while its form was shown an error would be half-saved.
    const saved = created.length + (plannedStarted ? 1 : 0);
    expect(saved).toBeGreaterThan(0);
    if (saved > outcomes.acceptedRequests + warmUp.acceptedRequests) {
      const errors = new Map<string, number>();
      for (const line of bot.logger.lines.filter((l) => l.startsWith('ERROR'))) {
        const key = line.replace(/\[request \w+\] |request \w+, /g, '').slice(0, 160);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
      throw new Error(
        `${created.length} rotation(s) created${plannedStarted ? ' and the planned one started' : ''}, but ${outcomes.acceptedRequests + warmUp.acceptedRequests} ` +
          `request form(s) were accepted (FUZZ_SEED=${SEED}). Errors logged:\n${[...errors].map(([line, n]) => `${n}× ${line}`).join('\n')}`,
      );
    }
    keepPostedIds();
    expect(created.filter((r) => r.status !== 'requested' || r.message === undefined || !postedIds.has(r.id)).map((r) => r.id)).toEqual([]);

    // Memory: what the fake Slack and the capturing logger kept is the test's, not the bot's.
    fake.calls.length = 0;
    fake.responses.length = 0;
    fake.uploads.length = 0;
    // A log line carries what happened, never a payload's whole huge field.
    const longLines = bot.logger.lines.filter((line) => line.length > MAX_LINE_CHARS + 100).map((line) => `${line.slice(0, 200)}… (${line.length} chars)`);
    bot.logger.lines.length = 0;
    const growth = heapAfterGc() - heapBefore;
    if (process.env.FUZZ_REPORT) console.log(`heap growth ${(growth / 1024 / 1024).toFixed(1)} MB; ${saved} rotation(s) saved`);
    expect(longLines.slice(0, 5)).toEqual([]);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);

  it('acts on no command, click or form whose user is not a Slack user id', async () => {
    fake.reset();
    const before = JSON.stringify(await storedRotations());
    const users: Json[] = [' U0APPROVER ', 'u0approver', '', 'S0GROUP001', 'C0ROTATIONS', 42, null, ['U0APPROVER'], { id: 'U0APPROVER' }];
    for (const user of users) {
      const form = JSON.parse(new URLSearchParams(requestSubmission({ channelId: CHANNEL }, AFTER)).get('payload') as string) as Record<string, Json>;
      const click = JSON.parse(new URLSearchParams(buttonClick(ACTIONS.approve, 'ROT-RQ2222:1', { user: AFTER, responseUrl: fake.responseUrl('user') })).get('payload') as string) as Record<string, Json>;
      (form.user as Record<string, Json>).id = user;
      (click.user as Record<string, Json>).id = user;
      const command = slashCommand({ user_id: typeof user === 'string' ? user : JSON.stringify(user), response_url: fake.responseUrl('user') });
      for (const text of [new URLSearchParams({ payload: encodeJson(form) }).toString(), new URLSearchParams({ payload: encodeJson(click) }).toString(), command]) {
        const answer = await post(port(), signedBody(text));
        expect([user, answer.status, answer.text]).toEqual([user, 200, '']);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.calls.map((c) => c.method)).toEqual([]);
    expect(fake.responses).toEqual([]);
    expect(JSON.stringify(await storedRotations())).toBe(before);
  });

  it('still serves valid requests afterwards: the form opens, and a request is saved and posted', async () => {
    fake.reset();
    const command = await post(port(), signedBody(slashCommand({ user_id: AFTER, trigger_id: '777.666.after-fuzz', response_url: fake.responseUrl('after') })));
    expect(command.status).toBe(200);
    const [open] = await fake.waitFor('views.open');
    expect(open?.args.trigger_id).toBe('777.666.after-fuzz');
    expect((open?.args.view as { callback_id: string }).callback_id).toBe(MODALS.request);

    const before = new Set((await storedRotations()).map((r) => r.id));
    // The requester opened App Home: its refresh after the request says the request is complete.
    await openHome(fake, port(), AFTER);
    const mark = fake.calls.length;
    const submission = await post(port(), signedBody(requestSubmission({ instanceUrl: 'https://after-fuzz.wfi.pega.com', channelId: CHANNEL, attendeeIds: [AFTER] }, AFTER)));
    expect([submission.status, submission.text]).toEqual([200, '']);
    const [posted] = await fake.waitFor('chat.postMessage');
    const id = /ROT-[A-Z0-9]{6}/.exec(String(posted?.args.text))?.[0] as string;
    expect(before.has(id)).toBe(false);
    await homePublished(fake, AFTER, mark, { showing: id });
    const saved = (await storedRotations()).find((r) => r.id === id);
    expect(saved).toEqual(expect.objectContaining({ status: 'requested', instanceUrl: 'https://after-fuzz.wfi.pega.com', requesterId: AFTER, channelId: CHANNEL }));
    expect(rotationProblems(saved as Rotation)).toEqual([]);
  });

  it('answers within a second when a free-text field holds a long run built to make a regex backtrack', async () => {
    const runs = [
      `${'.'.repeat(200_000)}a`,
      `${')'.repeat(200_000)}x1`,
      `${'!?'.repeat(100_000)}a`,
      `${'"'.repeat(100_000)}a`,
      `secret${' '.repeat(200_000)}`,
      `client_secret${'\t'.repeat(200_000)}:${' '.repeat(100_000)}`,
      `${'a1'.repeat(150_000)}.`,
    ];
    const meta = (id: string) => JSON.stringify({ rotationId: id, version: seed(id).version });
    const bodies = (run: string): Array<[string, string, string]> => [
      ['instance URL', requestSubmission({ instanceUrl: run, channelId: CHANNEL }, REQUESTER_ID), FORM],
      ['notes', requestSubmission({ notes: run, channelId: CHANNEL }, REQUESTER_ID), FORM],
      ['reason', viewSubmission(MODALS.reject, stepStates.reason(run), { user: APPROVER_ID, privateMetadata: meta('ROT-RQ2222') }), FORM],
      ['case number', viewSubmission(MODALS.submission, stepStates.submission(run, '2026-02-27'), { user: REQUESTER_ID, privateMetadata: meta('ROT-AP2222') }), FORM],
      [
        'join link',
        viewSubmission(
          MODALS.meeting,
          stepStates.meeting({ platform: 'Webex', date: '2026-03-25', time: '14:30', timeZone: 'UTC', joinUrl: `https://acme.webex.com/${run}`, attendeeIds: [REQUESTER_ID] }),
          { user: REQUESTER_ID, privateMetadata: meta('ROT-SB2222') },
        ),
        FORM,
      ],
      ['command text', slashCommand({ text: `status ${run}`, user_id: REQUESTER_ID, response_url: fake.responseUrl('long') }), FORM],
      ['button value', buttonClick(ACTIONS.approve, run, { user: APPROVER_ID, responseUrl: fake.responseUrl('long') }), FORM],
      [
        'thread message',
        encodeJson(eventEnvelope({ type: 'message', channel: CHANNEL, thread_ts: messageTs('ROT-RQ2222'), ts: '1772445602.000200', user: REQUESTER_ID, text: run })),
        'application/json',
      ],
    ];
    const slow: string[] = [];
    for (const run of runs) {
      for (const [field, text, contentType] of bodies(run)) {
        const answer = await post(port(), signedBody(text, contentType));
        // Events are acknowledged before their listener runs: a request right after shows whether it blocked the process.
        const started = performance.now();
        const health = await fetch(`http://127.0.0.1:${port()}/healthz`);
        const after = performance.now() - started;
        if (answer.status !== 200 || answer.ms >= ANSWER_WITHIN_MS || after >= ANSWER_WITHIN_MS || health.status !== 200) {
          slow.push(`${field} = ${JSON.stringify(run.slice(0, 12))}…: ${answer.status} in ${Math.round(answer.ms)} ms, then /healthz in ${Math.round(after)} ms`);
        }
      }
    }
    expect(slow).toEqual([]);
  });

  it('refuses a body over 1 MiB with 413, signed or not, and takes one of exactly 1 MiB', async () => {
    const atLimit = Buffer.alloc(BODY_LIMIT, 'a');
    const cases: Array<[Buffer, Record<string, string>, number]> = [
      [atLimit, { 'content-type': 'application/json', ...sign(atLimit) }, 400],
      [Buffer.alloc(BODY_LIMIT + 1, 'a'), { 'content-type': 'application/json', ...sign(Buffer.alloc(BODY_LIMIT + 1, 'a')) }, 413],
      [Buffer.from(`payload=${'%7B'.repeat(600_000)}`), { 'content-type': FORM, ...sign(Buffer.from(`payload=${'%7B'.repeat(600_000)}`)) }, 413],
      [Buffer.alloc(8 * BODY_LIMIT, 'b'), { 'content-type': FORM }, 413],
    ];
    for (const [body, headers, status] of cases) {
      const answer = await post(port(), { category: 'size', kind: 'size', body, headers, expected: [status] });
      expect([body.length, answer.status]).toEqual([body.length, status]);
      expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    }
    expect((await fetch(`http://127.0.0.1:${port()}/healthz`)).status).toBe(200);
  });

  it('refuses a Content-Length far over the limit at once, before the body arrives, and closes the connection', async () => {
    const started = performance.now();
    const { reply, closedByBot } = await new Promise<{ reply: string; closedByBot: boolean }>((resolve) => {
      const socket = connect(port(), '127.0.0.1');
      let reply = '';
      const done = (closedByBot: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ reply, closedByBot });
      };
      // A bot that kept the connection open would go on reading the gigabyte it refused.
      const timer = setTimeout(() => done(false), ANSWER_WITHIN_MS);
      socket.on('data', (chunk) => (reply += chunk.toString()));
      socket.on('end', () => done(true));
      socket.on('error', () => done(true));
      const headers = sign(Buffer.from('x'));
      socket.write(
        `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: ${1024 * BODY_LIMIT}\r\n` +
          `X-Slack-Request-Timestamp: ${headers['x-slack-request-timestamp']}\r\nX-Slack-Signature: ${headers['x-slack-signature']}\r\n\r\npayload=`,
      );
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(closedByBot).toBe(true);
    expect(performance.now() - started).toBeLessThan(ANSWER_WITHIN_MS);
    expect((await fetch(`http://127.0.0.1:${port()}/healthz`)).status).toBe(200);
  });

  it('echoes a url_verification challenge only when it is a string', async () => {
    const challenges: Array<[Json, number]> = [
      ['3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', 200],
      [{ nested: true }, 400],
      [['a'], 400],
      [42, 400],
      [null, 400],
      ['\u0001DEEP:a:100000\u0001DEEP:', 400],
    ];
    for (const [challenge, status] of challenges) {
      const answer = await post(port(), signedBody(encodeJson({ token: 'x', challenge, type: 'url_verification' }), 'application/json'));
      expect([challenge, answer.status]).toEqual([challenge, status]);
      if (status === 200) expect(JSON.parse(answer.text)).toEqual({ challenge });
    }
  });

  it('never throws on an odd request target or method, and keeps serving', async () => {
    const targets = ['//', '//[', 'http://[', '*', '//slack/events', 'http://127.0.0.1/slack/events', '/slack/events?x=%zz', '/slack/events#x', '/%', '/slack%2Fevents'];
    const methods = ['GET', 'POST', 'PUT', 'OPTIONS', 'DELETE'];
    const statuses = new Map<string, string>();
    for (const target of targets) {
      for (const method of methods) {
        const reply = await rawStatusLine(port(), method, target, ANSWER_WITHIN_MS, `Content-Type: ${FORM}\r\nContent-Length: 0\r\n`);
        statuses.set(`${method} ${target}`, reply);
      }
    }
    // Each gets an answer (a signed-nothing POST to the events path is a 401), none a 5xx.
    const unanswered = [...statuses].filter(([, line]) => !/^HTTP\/1\.1 [1-4]\d\d /.test(line));
    expect(unanswered).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port()}/healthz`)).status).toBe(200);
  });

  it('fired no unhandled rejection or uncaught exception in the whole run', () => {
    expect(crashCount).toBe(0);
    expect(realProcess.listeners('unhandledRejection')).toContain(onRejection);
  });
});

function signedBody(text: string, contentType = FORM): Sent {
  const body = Buffer.from(text);
  return { category: 'valid', kind: 'valid', body, headers: { 'content-type': contentType, ...sign(body) }, expected: [200] };
}
