import type { types } from '@slack/bolt';
import { todayIn } from '../../domain/calendar';
import { leadTime, type LeadTimePolicy, type Rotation, type RotationStatus } from '../../domain/rotation';
import { buildServiceRequest, PORTAL_NOTES, PORTAL_STEPS } from '../../domain/service-request';
import { ACTIONS } from '../ids';
import { escapedChunks, escapeMrkdwn, mention, plural, SECTION_TEXT_MAX, slackDate } from './mrkdwn';

export interface RotationMessageContext {
  now: Date;
  policy: LeadTimePolicy;
  portalUrl?: string;
}

export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

export const STATUS_LABELS: Record<RotationStatus, string> = {
  planned: 'Planned: next cycle, not started yet',
  requested: 'Awaiting approval',
  approved: 'Approved: submit the portal request',
  rejected: 'Rejected',
  submitted: 'Submitted: waiting for the vendor\'s meeting',
  meeting_scheduled: 'Handoff meeting scheduled',
  completed: 'Completed: new secret received',
  cancelled: 'Cancelled',
};

/** What a button carries back: the rotation and the version it was rendered at, to refuse stale clicks. */
export function buttonValue(rotation: Pick<Rotation, 'id' | 'version'>): string {
  return `${rotation.id}:${rotation.version}`;
}

export function parseButtonValue(value: string | undefined): { id: string; version: number } | undefined {
  const match = /^(ROT-[A-Z0-9]{6}):(\d{1,9})$/.exec(value ?? '');
  return match ? { id: match[1] as string, version: Number(match[2]) } : undefined;
}

function submitByText(rotation: Rotation, context: RotationMessageContext): string {
  const { businessDaysLeft } = leadTime(rotation.deadline, todayIn(context.policy.calendar, context.now), context.policy);
  const date = slackDate(rotation.submitBy, context.policy.calendar.timeZone);
  if (businessDaysLeft > 0) return `${date}\n${plural(businessDaysLeft, 'business day')} left`;
  if (businessDaysLeft === 0) return `${date}\n*due today*`;
  return `${date}\n*overdue by ${plural(-businessDaysLeft, 'business day')}*`;
}

function lateWarning(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  if (rotation.lateByBusinessDays <= 0) return [];
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `:warning: *Late:* this request was made after its submit-by date (${slackDate(rotation.submitBy, context.policy.calendar.timeZone)}), ` +
          `${plural(rotation.lateByBusinessDays, 'business day')} short of the vendor's ${context.policy.leadBusinessDays}-business-day lead time. ` +
          'Open the portal request today and mention the policy deadline to the vendor.',
      },
    },
  ];
}

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

function actions(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  const value = buttonValue(rotation);
  const buttons: types.Button[] = [];
  if (rotation.status === 'requested') {
    buttons.push(
      { type: 'button', action_id: ACTIONS.approve, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value },
      { type: 'button', action_id: ACTIONS.reject, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value },
    );
  }
  if (context.portalUrl) {
    buttons.push({
      type: 'button',
      action_id: ACTIONS.openPortal,
      text: { type: 'plain_text', text: 'Open My Support Portal' },
      url: context.portalUrl,
    });
  }
  return buttons.length > 0 ? [{ type: 'actions', block_id: 'rotation_actions', elements: buttons }] : [];
}

/** Header, key facts and the late warning: the top of the rotation message and of `status`. */
export function buildRotationSummary(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  const zone = context.policy.calendar.timeZone;
  return [
    { type: 'header', text: { type: 'plain_text', text: `WFI client secret rotation ${rotation.id}` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Instance*\n${escapeMrkdwn(rotation.instanceUrl)}` },
        { type: 'mrkdwn', text: `*Environment type*\n${escapeMrkdwn(rotation.environmentType)}` },
        { type: 'mrkdwn', text: `*Status*\n${STATUS_LABELS[rotation.status]}` },
        { type: 'mrkdwn', text: `*Requested by*\n${mention(rotation.requesterId)}` },
        { type: 'mrkdwn', text: `*Policy deadline*\n${slackDate(rotation.deadline, zone)}` },
        { type: 'mrkdwn', text: `*Submit to the vendor by*\n${submitByText(rotation, context)}` },
      ],
    },
    ...lateWarning(rotation, context),
  ];
}

/**
 * The one message that represents a rotation in its channel. The same builder
 * renders it for `chat.postMessage` and for every later `chat.update`.
 */
export function buildRotationMessage(rotation: Rotation, context: RotationMessageContext): SlackMessage {
  const url = escapeMrkdwn(rotation.instanceUrl);
  const blocks: types.KnownBlock[] = [
    ...buildRotationSummary(rotation, context),
    ...notesBlocks(rotation),
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
          text: `${escapeMrkdwn(PORTAL_NOTES)}\nHandoff attendees: ${rotation.attendeeIds.map(mention).join(', ')}`,
        },
      ],
    },
    ...actions(rotation, context),
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
    text: `WFI client secret rotation ${rotation.id} for ${url}: ${STATUS_LABELS[rotation.status]}, submit by ${rotation.submitBy}`,
    blocks,
  };
}
