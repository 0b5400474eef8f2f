import type { types } from '@slack/bolt';
import { allowedActions } from '../../domain/lifecycle';
import {
  approvalOf,
  awaitsSubmission,
  completionOf,
  meetingOf,
  submissionOf,
  type AuditEntry,
  type Closure,
  type Rotation,
  type Step,
} from '../../domain/rotation';
import { buildServiceRequest, PORTAL_NOTES, PORTAL_STEPS, SHORT_DESCRIPTION } from '../../domain/service-request';
import {
  escapedChunks,
  escapeMrkdwn,
  inlineCode,
  mention,
  packLines,
  SECTION_TEXT_MAX,
  calendarDate,
  slackDateTime,
} from './mrkdwn';
import { actionButton, portalButton } from './buttons';
import { confirmationLabel, describeChange, STATUS_LABELS } from './labels';
import { reminderScheduleBlocks } from './reminder-schedule';
import { buildRotationSummary } from './rotation-summary';
import { caseNumberText, instanceText, joinLinkNotice, meetingTimeText, mentions, reasonText } from './text';
import type { RotationMessageContext, SlackMessage } from './types';

const NOTES_HEADING = '*Notes*\n';

/** Notes are at most 2000 characters, but escaped they can be 8000: as many sections as they take. */
function notesBlocks(rotation: Rotation): types.KnownBlock[] {
  if (!rotation.notes) return [];
  return escapedChunks(rotation.notes, SECTION_TEXT_MAX - NOTES_HEADING.length).map((chunk, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: i === 0 ? `${NOTES_HEADING}${chunk}` : chunk },
  }));
}

function serviceRequestBlock(rotation: Rotation): types.KnownBlock {
  // Each value sits in its own preformatted element: Slack shows a copy button
  // on each, so a value goes into the portal in one action, exactly as given.
  const elements = buildServiceRequest(rotation).flatMap((field) => [
    {
      type: 'rich_text_section' as const,
      elements: [{ type: 'text' as const, text: `${field.tab} tab · ${field.label}`, style: { bold: true } }],
    },
    { type: 'rich_text_preformatted' as const, elements: [{ type: 'text' as const, text: field.value }] },
  ]);
  return { type: 'rich_text', elements } as types.RichTextBlock;
}

function closureOf(rotation: Rotation): { kind: 'Rejected' | 'Cancelled'; closure: Closure } | undefined {
  if (rotation.status === 'rejected') return { kind: 'Rejected', closure: rotation.rejection };
  if (rotation.status === 'cancelled') return { kind: 'Cancelled', closure: rotation.cancellation };
  return undefined;
}

/** Who turned a planned next cycle into this request, and when. */
function startedBy(rotation: Rotation): AuditEntry | undefined {
  if (!rotation.previousRotationId || rotation.status === 'planned') return undefined;
  return rotation.history.find((entry) => entry.from === 'planned' && entry.to === 'requested');
}

/** "by <@U> <date token>": who did a step and when. */
function byWhom(step: Step): string {
  return `by ${mention(step.by)} ${slackDateTime(step.at)}`;
}

/** The steps taken so far, one section each, in the order they happened. */
function stepBlocks(rotation: Rotation): types.KnownBlock[] {
  const steps: string[][] = [];
  if (rotation.status === 'planned' && rotation.previousRotationId) {
    steps.push([
      `:repeat: *Next cycle* of ${inlineCode(rotation.previousRotationId)}, not started yet. ` +
        'Start it from the App Home when it is time; the request form opens prefilled.',
    ]);
  }
  const started = startedBy(rotation);
  if (started) {
    steps.push([
      `:arrow_forward: *Next cycle* of ${inlineCode(rotation.previousRotationId ?? '')}, started by ${mention(started.actorId)} ${slackDateTime(started.at)}`,
    ]);
  }
  const approval = approvalOf(rotation);
  if (approval) steps.push([`:white_check_mark: *Approved* ${byWhom(approval)}`]);
  const submission = submissionOf(rotation);
  if (submission) {
    steps.push([
      `:outbox_tray: *Portal request submitted*: case ${caseNumberText(submission.caseNumber)}, ` +
        `submitted on ${calendarDate(submission.submittedOn)}; recorded ${byWhom(submission)}`,
    ]);
  }
  const meeting = meetingOf(rotation);
  if (meeting) {
    steps.push([
      `:calendar: *Handoff meeting* on ${escapeMrkdwn(meeting.platform)}, ${meetingTimeText(meeting.startsAt, meeting.timeZone)}`,
      `Attendees: ${mentions(meeting.attendeeIds)}`,
      `Scheduled ${byWhom(meeting)}`,
      ...(rotation.status === 'meeting_scheduled' ? [joinLinkNotice(meeting.joinUrl !== undefined)] : []),
    ]);
  }
  const completion = completionOf(rotation);
  if (completion) {
    steps.push([
      `:tada: *Secret received*, confirmed ${byWhom(completion)}`,
      ...(completion.confirmations.length > 0
        ? completion.confirmations.map((c) => `:heavy_check_mark: ${confirmationLabel(c)}`)
        : ['No confirmations were ticked.']),
    ]);
  }
  const closure = closureOf(rotation);
  if (closure) {
    const icon = closure.kind === 'Rejected' ? ':x:' : ':no_entry_sign:';
    steps.push([`${icon} *${closure.kind}* ${byWhom(closure.closure)}`, `*Reason:* ${reasonText(closure.closure.reason)}`]);
  }
  if (rotation.status === 'completed' && rotation.nextRotationId) {
    steps.push([
      `:repeat: *Next cycle planned* as ${inlineCode(rotation.nextRotationId)}: it waits in the App Home with a *Start request* button.`,
    ]);
  }
  return steps.flatMap((lines) => packLines(lines).map((text) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } })));
}

/** While the portal request is still to be made: every value to copy and the steps, as posted at first. */
function portalBlocks(rotation: Rotation): types.KnownBlock[] {
  return [
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*Service request for the vendor\'s portal*: copy each value into the field of the same name.',
      },
    },
    serviceRequestBlock(rotation),
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Steps in the portal*\n${PORTAL_STEPS.map((step, i) => `${i + 1}. ${escapeMrkdwn(step)}`).join('\n')}`,
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${escapeMrkdwn(PORTAL_NOTES)}\nHandoff attendees: ${mentions(rotation.attendeeIds)}`,
        },
      ],
    },
  ];
}

/** After the portal step (or instead of it): one line, so the message stays short. */
function portalSummaryBlock(rotation: Rotation): types.KnownBlock {
  const submission = submissionOf(rotation);
  const request = `"${escapeMrkdwn(SHORT_DESCRIPTION)}" for ${instanceText(rotation.instanceUrl)} (${escapeMrkdwn(rotation.environmentType)})`;
  const text = submission
    ? `Service request ${request}: portal case ${caseNumberText(submission.caseNumber)}. Handoff attendees: ${mentions(rotation.attendeeIds)}`
    : `Service request ${request}: not opened in the portal.`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function actionsBlocks(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  const actions = allowedActions(rotation.status);
  const buttons: types.Button[] = actions.filter((a) => a !== 'cancel').map((a) => actionButton(rotation, a));
  const portal = portalButton(rotation, context.portalUrl);
  if (portal) buttons.push(portal);
  if (actions.includes('cancel')) buttons.push(actionButton(rotation, 'cancel'));
  return buttons.length > 0 ? [{ type: 'actions', block_id: 'rotation_actions', elements: buttons }] : [];
}

function lastChangeBlock(rotation: Rotation): types.KnownBlock[] {
  const last = rotation.history.at(-1);
  if (!last) return [];
  return [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Last change: ${describeChange(last)} by ${mention(last.actorId)} · ${slackDateTime(last.at)}` }],
    },
  ];
}

/**
 * The one message that represents a rotation in its channel. The same builder
 * renders it for `chat.postMessage` and for every later `chat.update`, so it
 * always shows the current state, every step taken, and only the buttons
 * `allowedActions` accepts now.
 */
export function buildRotationMessage(rotation: Rotation, context: RotationMessageContext): SlackMessage {
  const url = instanceText(rotation.instanceUrl);
  const steps = stepBlocks(rotation);
  const blocks: types.KnownBlock[] = [
    ...buildRotationSummary(rotation, context),
    ...notesBlocks(rotation),
    ...(steps.length > 0 ? [{ type: 'divider' as const }, ...steps] : []),
    ...(awaitsSubmission(rotation) ? portalBlocks(rotation) : [portalSummaryBlock(rotation)]),
    ...actionsBlocks(rotation, context),
    ...reminderScheduleBlocks(context),
    ...lastChangeBlock(rotation),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: ':lock: The new secret is handed over in the vendor\'s meeting. Never paste it in Slack.',
        },
      ],
    },
  ];
  return {
    text: `WFI client secret rotation ${rotation.id} for ${url}: ${STATUS_LABELS[rotation.status]}, submit by ${calendarDate(rotation.submitBy)}`,
    blocks,
  };
}

/** Put above the rotation message when it has to go to the requester instead of the chosen channel. */
export function buildUndeliverableNotice(channelId: string, reason: string): SlackMessage {
  const text =
    `:warning: I could not post this request in <#${channelId}> (Slack said \`${escapeMrkdwn(reason)}\`). ` +
    'Invite me there with `/invite`, or choose another channel next time. Here is the request:';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
