import { isCodedError, type Refusal } from '../../domain/errors';
import { COMMAND } from '../ids';
import { mention } from './mrkdwn';
import { STATUS_LABELS } from './labels';


/** The private explanation for a click or a form that changed nothing. */
export function explainRefusal(refusal: Refusal, rotationId: string): string {
  switch (refusal.code) {
    case 'ROTATION_NOT_FOUND':
      return `Rotation ${rotationId} no longer exists, so nothing was changed. \`${COMMAND} list\` shows the open ones.`;
    case 'NOT_AN_APPROVER':
      return `Only the approvers named in the bot's configuration can approve or reject ${rotationId}. Nothing was changed.`;
    case 'SELF_APPROVAL':
      return `You requested ${rotationId}, so another approver has to approve it. Nothing was changed.`;
    case 'NOT_INVOLVED':
      return `Only the requester, the handoff attendees and the approvers can update ${rotationId}. Nothing was changed.`;
    case 'APPROVER_UNKNOWN':
      return `Your approver rights could not be checked yet (Slack did not answer in time). Nothing was changed; please try again in a minute.`;
    case 'ALREADY_DONE':
      return `That was already done by ${mention(refusal.by)} (<!date^${Math.floor(Date.parse(refusal.at) / 1000)}^{date_short_pretty} {time}|${refusal.at}>). ${rotationId} is now: ${STATUS_LABELS[refusal.status]}.`;
    case 'STALE':
      return `That button was out of date: ${rotationId} changed since it was shown and is now: ${STATUS_LABELS[refusal.status]}. Nothing was changed; use the buttons on the updated message.`;
    case 'INVALID_TRANSITION':
      return `${rotationId} is ${STATUS_LABELS[refusal.status]}, so that step is not possible now. Nothing was changed.`;
    case 'PLANNED_ALREADY_STARTED':
      return `The planned rotation ${rotationId} was already started by someone else. Nothing was changed.`;
    default: {
      const exhaustive: never = refusal;
      return exhaustive;
    }
  }
}

/** The direct message to someone whose reply in a rotation's thread looked like the secret. */
export function explainSecretInThread(rotationId: string, channelId: string): string {
  return (
    `:warning: Your message in the thread of ${rotationId} in <#${channelId}> looks like a secret. Please delete it now ` +
    '(hover over it, then *More actions* → *Delete message*), and any other message like it; the bot cannot delete them for you. ' +
    'The WFI client secret is never shared in Slack: the vendor hands it over in the meeting and it goes straight into your vault. ' +
    `If it was the real secret, treat it as exposed: it is recorded in the history of ${rotationId}, ` +
    `and a fresh rotation (\`${COMMAND}\`) replaces it. The bot did not keep your text.`
  );
}

/** A request form that could not be saved (the store did not answer): shown on the form, which keeps what was typed. */
export const STORE_FAILURE_MESSAGE =
  'The request could not be saved (the bot cannot reach its store). Nothing was saved; please try again in a minute.';

/** A step form that could not be saved: busy (someone else's change held the rotation) or unreachable. */
export function explainStepFault(error: unknown): string {
  return isCodedError(error, 'STORE_BUSY')
    ? 'Someone else was changing this rotation at the same moment, so this step was not saved. Nothing was saved; please try again.'
    : 'The bot could not save this step (its store did not answer). Nothing was saved; please try again.';
}

/** A button whose form needs the rotation, when the store does not answer. */
export const FORM_READ_FAILURE = 'The bot cannot reach its store right now, so the form could not be opened. Nothing was changed; please try again in a minute.';

/** `status` or `list` when the store does not answer. */
export const STORE_READ_FAILURE = 'The bot cannot reach its store right now, so it cannot show rotations. Please try again in a minute.';

export const EXPORT_REFUSAL =
  "Only the approvers named in the bot's configuration can export the rotations and their history. `/wfi-rotate status ROT-XXXXXX` shows one rotation with its history.";
