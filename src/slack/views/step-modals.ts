import { tz } from '@date-fns/tz';
import type { types } from '@slack/bolt';
import { format } from 'date-fns';
import { isCalendarDate, isTimeZone } from '../../domain/calendar';
import { CONFIRMATIONS, MEETING_PLATFORMS, type Meeting, isUserId } from '../../domain/rotation';
import { STEP_LIMITS } from '../../domain/step-inputs';
import { INPUT_ACTION, MODALS, MY_TIME_ZONE, STEP_BLOCKS } from '../ids';
import { encodeStepMeta, type StepMeta } from '../parse/step-meta';
import { escapeMrkdwn, SECTION_TEXT_MAX } from './mrkdwn';

const TITLE_MAX = 24;
const OPTIONS_MAX = 100;
const OPTION_VALUE_MAX = 75;
const OPTION_TEXT_MAX = 75;

const plain = (text: string): types.PlainTextElement => ({ type: 'plain_text', text });
const option = (text: string, value: string): types.PlainTextOption => ({ text: plain(text), value });
const section = (text: string): types.SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): types.ContextBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/**
 * Cuts text to at most `max` UTF-16 units (what Slack counts), never inside a
 * surrogate pair, and, for mrkdwn, never leaving half an entity (`&am`) or half
 * a `<…>` token at the end, which Slack would show as garbage.
 */
function cut(text: string, max: number, mrkdwn = false): string {
  if (text.length <= max) return text;
  let body = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(body)) body = body.slice(0, -1);
  if (mrkdwn) body = body.replace(/&[A-Za-z]{0,4}$/, '').replace(/<[^<>]*$/, '');
  return `${body}…`;
}

const NEVER_THE_SECRET = '*Never paste the secret here:* the vendor hands it over in the meeting, not in Slack.';

function rotationLine(rotationId: string, instanceUrl?: string): types.ContextBlock {
  return context(instanceUrl ? `*${escapeMrkdwn(rotationId)}* · ${escapeMrkdwn(instanceUrl)}` : `*${escapeMrkdwn(rotationId)}*`);
}

/** Reject or cancel: one required reason, shown to everyone involved and kept in the audit trail. */
export function buildReasonModal(
  kind: 'reject' | 'cancel',
  meta: StepMeta,
  rotation: { id: string; instanceUrl: string },
): types.ModalView {
  const reject = kind === 'reject';
  return {
    type: 'modal',
    callback_id: reject ? MODALS.reject : MODALS.cancel,
    private_metadata: encodeStepMeta(meta),
    title: plain(reject ? 'Reject rotation' : 'Cancel rotation'),
    submit: plain(reject ? 'Reject' : 'Cancel rotation'),
    close: plain('Back'),
    blocks: [
      rotationLine(rotation.id, rotation.instanceUrl),
      section(
        reject
          ? 'Why is this request rejected? The requester sees the reason, and it stays in the audit trail.'
          : 'Why is this rotation cancelled? Everyone involved sees the reason, and it stays in the audit trail.',
      ),
      {
        type: 'input',
        block_id: STEP_BLOCKS.reason,
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          multiline: true,
          max_length: STEP_LIMITS.reason,
          placeholder: plain(reject ? 'e.g. Not due until next quarter' : 'e.g. Instance decommissioned'),
        },
      },
      context(NEVER_THE_SECRET),
    ],
  };
}

/** "Mark submitted in portal": the case number the vendor's portal gave, and the day it was submitted. */
export function buildSubmissionModal(meta: StepMeta, defaults: { rotationId: string; today: string }): types.ModalView {
  return {
    type: 'modal',
    callback_id: MODALS.submission,
    private_metadata: encodeStepMeta(meta),
    title: plain('Submitted in portal'),
    submit: plain('Save'),
    close: plain('Back'),
    blocks: [
      rotationLine(defaults.rotationId),
      section('Record the case number My Support Portal gave the service request, so reminders and the vendor can refer to it.'),
      {
        type: 'input',
        block_id: STEP_BLOCKS.caseNumber,
        label: plain('Portal case number'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          max_length: STEP_LIMITS.caseNumber,
          placeholder: plain('CS-0123456'),
        },
      },
      {
        type: 'input',
        block_id: STEP_BLOCKS.submittedOn,
        label: plain('Date submitted'),
        element: {
          type: 'datepicker',
          action_id: INPUT_ACTION,
          ...(isCalendarDate(defaults.today) ? { initial_date: defaults.today } : {}),
        },
      },
      context(NEVER_THE_SECRET),
    ],
  };
}

/**
 * Zones offered for the meeting time, west to east within each region. Slack's
 * select filters as people type, so a short list of the zones people meet in
 * serves better than all ~400; the clicker's own zone is always the first choice.
 */
export const MEETING_TIME_ZONES: readonly string[] = [
  'UTC',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Phoenix',
  'America/Denver',
  'America/Chicago',
  'America/Mexico_City',
  'America/New_York',
  'America/Toronto',
  'America/Bogota',
  'America/Halifax',
  'America/Santiago',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Europe/Madrid',
  'Europe/Paris',
  'Europe/Brussels',
  'Europe/Amsterdam',
  'Europe/Berlin',
  'Europe/Zurich',
  'Europe/Rome',
  'Europe/Stockholm',
  'Europe/Warsaw',
  'Europe/Prague',
  'Europe/Athens',
  'Europe/Helsinki',
  'Europe/Kyiv',
  'Europe/Istanbul',
  'Africa/Lagos',
  'Africa/Johannesburg',
  'Africa/Cairo',
  'Africa/Nairobi',
  'Asia/Jerusalem',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Kolkata',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Jakarta',
  'Asia/Singapore',
  'Asia/Manila',
  'Asia/Hong_Kong',
  'Asia/Shanghai',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Australia/Perth',
  'Australia/Adelaide',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Australia/Melbourne',
  'Pacific/Auckland',
];

/** A zone Slack can carry as an option value and checkMeeting accepts. */
function isUsableZone(zone: string): boolean {
  return zone.length <= OPTION_VALUE_MAX && isTimeZone(zone);
}

const zoneOption = (zone: string) => option(zone.replace(/_/g, ' '), zone);

/** The meeting's wall-clock date and time in the zone it was entered in, or nothing if that cannot be shown. */
function wallClock(meeting: Meeting): { date: string; time: string } | undefined {
  try {
    const [date, time] = format(new Date(meeting.startsAt), 'yyyy-MM-dd HH:mm', { in: tz(meeting.timeZone) }).split(' ');
    return date && time ? { date, time } : undefined;
  } catch {
    // An unparseable instant or an unknown zone in stored data: leave the pickers empty rather than fail to open.
    return undefined;
  }
}

/**
 * "Meeting scheduled" and "Reschedule meeting". The time zone defaults to the
 * clicker's own Slack zone: the form opens at once (the click's trigger_id
 * lives 3 s), and once the listener has looked the zone up it updates the
 * form with the zone named and carried in `meta.myTimeZone`.
 */
export function buildMeetingModal(
  meta: StepMeta,
  defaults: { rotationId: string; attendeeIds: string[]; policyTimeZone: string; current?: Meeting },
): types.ModalView {
  const { current } = defaults;

  const platforms = MEETING_PLATFORMS.map((platform) => option(platform, platform));
  const initialPlatform = platforms.find((o) => o.value === current?.platform) ?? platforms[0];

  const mine = meta.myTimeZone && isUsableZone(meta.myTimeZone) ? meta.myTimeZone : undefined;
  const myZone = option(mine ? cut(`My Slack time zone (${mine.replace(/_/g, ' ')})`, OPTION_TEXT_MAX) : 'My Slack time zone', MY_TIME_ZONE);
  const zones: string[] = [];
  const addZone = (zone: string) => {
    if (isUsableZone(zone) && zone !== MY_TIME_ZONE && !zones.includes(zone)) zones.push(zone);
  };
  if (!MEETING_TIME_ZONES.includes(defaults.policyTimeZone)) addZone(defaults.policyTimeZone);
  if (current) addZone(current.timeZone);
  MEETING_TIME_ZONES.forEach(addZone);
  const zoneOptions = [myZone, ...zones.slice(0, OPTIONS_MAX - 1).map(zoneOption)];
  const initialZone = (current ? zoneOptions.find((o) => o.value === current.timeZone) : undefined) ?? myZone;

  const when = current ? wallClock(current) : undefined;
  const attendees = (current?.attendeeIds ?? defaults.attendeeIds).filter(isUserId);
  const joinUrl = current?.joinUrl && current.joinUrl.length <= STEP_LIMITS.joinUrl ? current.joinUrl : undefined;

  return {
    type: 'modal',
    callback_id: MODALS.meeting,
    private_metadata: encodeStepMeta(meta),
    title: plain('Handoff meeting'),
    submit: plain(current ? 'Reschedule' : 'Save meeting'),
    close: plain('Back'),
    blocks: [
      rotationLine(defaults.rotationId),
      section(
        current
          ? 'Change the handoff meeting. Attendees are reminded a day and an hour before the new time.'
          : 'The vendor\'s Service Delivery team hands the new secret over in this meeting. Attendees are reminded a day and an hour before.',
      ),
      {
        type: 'input',
        block_id: STEP_BLOCKS.platform,
        label: plain('Platform'),
        element: { type: 'static_select', action_id: INPUT_ACTION, options: platforms, initial_option: initialPlatform },
      },
      {
        type: 'input',
        block_id: STEP_BLOCKS.date,
        label: plain('Date'),
        element: {
          type: 'datepicker',
          action_id: INPUT_ACTION,
          placeholder: plain('Pick a date'),
          ...(when ? { initial_date: when.date } : {}),
        },
      },
      {
        type: 'input',
        block_id: STEP_BLOCKS.time,
        label: plain('Start time'),
        element: {
          type: 'timepicker',
          action_id: INPUT_ACTION,
          placeholder: plain('Pick a time'),
          ...(when ? { initial_time: when.time } : {}),
        },
      },
      {
        type: 'input',
        block_id: STEP_BLOCKS.timeZone,
        label: plain('Time zone'),
        hint: plain('The zone of the date and time above'),
        element: { type: 'static_select', action_id: INPUT_ACTION, options: zoneOptions, initial_option: initialZone },
      },
      {
        type: 'input',
        block_id: STEP_BLOCKS.joinUrl,
        optional: true,
        label: plain('Join link'),
        hint: plain('https:// only'),
        element: {
          type: 'url_text_input',
          action_id: INPUT_ACTION,
          placeholder: plain('https://…'),
          ...(joinUrl ? { initial_value: joinUrl } : {}),
        },
      },
      {
        type: 'input',
        block_id: STEP_BLOCKS.attendeeIds,
        label: plain('Attendees'),
        hint: plain('Who joins to receive the new secret; they get the reminders'),
        element: {
          type: 'multi_users_select',
          action_id: INPUT_ACTION,
          max_selected_items: STEP_LIMITS.attendees,
          ...(attendees.length > 0 ? { initial_users: [...new Set(attendees)].slice(0, STEP_LIMITS.attendees) } : {}),
        },
      },
      context(NEVER_THE_SECRET),
    ],
  };
}

/** "Secret received": completes the rotation, with optional follow-ups ticked off. */
export function buildCompletionModal(meta: StepMeta, defaults: { rotationId: string }): types.ModalView {
  const confirmations = Object.entries(CONFIRMATIONS).map(([key, label]) => option(label, key));
  return {
    type: 'modal',
    callback_id: MODALS.completion,
    private_metadata: encodeStepMeta(meta),
    title: plain('Secret received'),
    submit: plain('Mark completed'),
    close: plain('Back'),
    blocks: [
      rotationLine(defaults.rotationId),
      section('Confirm that the vendor handed the new secret over in the meeting. Do not paste the secret here.'),
      {
        type: 'input',
        block_id: STEP_BLOCKS.confirmations,
        optional: true,
        label: plain('Also done'),
        element: { type: 'checkboxes', action_id: INPUT_ACTION, options: confirmations },
      },
    ],
  };
}

/**
 * A read-only modal, for answering a modal submission or a click with a
 * message (an `update` response action, or a views.open). `text` is mrkdwn the
 * caller has already escaped.
 */
export function buildNoticeModal(title: string, text: string): types.ModalView {
  return {
    type: 'modal',
    title: plain(cut(title.trim() === '' ? 'WFI secret rotation' : title, TITLE_MAX)),
    close: plain('OK'),
    blocks: [section(cut(text, SECTION_TEXT_MAX, true))],
  };
}
