import type { types } from '@slack/bolt';
import { awaitsSubmission, submissionOf, type Rotation } from '../../domain/rotation';
import { submitByStanding } from '../../domain/standing';
import { STATUS_LABELS } from './labels';
import { calendarDate, escapeMrkdwn, mention, plural } from './mrkdwn';
import { instanceText } from './text';
import type { RotationMessageContext } from './types';

function submitByText(rotation: Rotation, context: RotationMessageContext): string {
  const date = calendarDate(rotation.submitBy);
  const submission = submissionOf(rotation);
  if (submission) return `${date}\nsubmitted on ${calendarDate(submission.submittedOn)}`;
  if (!awaitsSubmission(rotation)) return date;
  const { businessDaysLeft } = submitByStanding(rotation, context);
  if (businessDaysLeft > 0) return `${date}\n${plural(businessDaysLeft, 'business day')} left`;
  if (businessDaysLeft === 0) return `${date}\n*due today*`;
  return `${date}\n*overdue by ${plural(-businessDaysLeft, 'business day')}*`;
}

function lateWarning(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  // Once the portal request is made (or the rotation is closed) there is nothing left to hurry.
  if (rotation.lateByBusinessDays <= 0 || !awaitsSubmission(rotation)) return [];
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `:warning: *Late:* this request was made after its submit-by date (${calendarDate(rotation.submitBy)}), ` +
          `${plural(rotation.lateByBusinessDays, 'business day')} short of the vendor's ${context.policy.leadBusinessDays}-business-day lead time. ` +
          'Open the portal request today and mention the policy deadline to the vendor.',
      },
    },
  ];
}

/** Header, key facts and the late warning: the top of the rotation message and of `status`. */
export function buildRotationSummary(rotation: Rotation, context: RotationMessageContext): types.KnownBlock[] {
  return [
    { type: 'header', text: { type: 'plain_text', text: `WFI client secret rotation ${rotation.id}` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Instance*\n${instanceText(rotation.instanceUrl)}` },
        { type: 'mrkdwn', text: `*Environment type*\n${escapeMrkdwn(rotation.environmentType)}` },
        { type: 'mrkdwn', text: `*Status*\n${STATUS_LABELS[rotation.status]}` },
        { type: 'mrkdwn', text: `*Requested by*\n${mention(rotation.requesterId)}` },
        { type: 'mrkdwn', text: `*Policy deadline*\n${calendarDate(rotation.deadline)}` },
        { type: 'mrkdwn', text: `*Submit to the vendor by*\n${submitByText(rotation, context)}` },
      ],
    },
    ...lateWarning(rotation, context),
  ];
}
