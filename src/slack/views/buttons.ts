import type { types } from '@slack/bolt';
import type { ActionType } from '../../domain/lifecycle';
import { awaitsSubmission, isOpen, type Rotation, type RotationStatus } from '../../domain/rotation';
import { ACTIONS } from '../ids';
import { buttonValue } from '../parse/button-value';

interface ButtonSpec {
  actionId: string;
  label: string;
  style?: 'primary' | 'danger';
}

/** The button of each action. Rescheduling is the same action as scheduling, named for the state it is offered in. */
function buttonSpec(action: ActionType, status: RotationStatus): ButtonSpec {
  switch (action) {
    case 'approve':
      return { actionId: ACTIONS.approve, label: 'Approve', style: 'primary' };
    case 'reject':
      return { actionId: ACTIONS.reject, label: 'Reject', style: 'danger' };
    case 'record_submission':
      return { actionId: ACTIONS.recordSubmission, label: 'Mark submitted in portal', style: 'primary' };
    case 'schedule_meeting':
      return status === 'meeting_scheduled'
        ? { actionId: ACTIONS.scheduleMeeting, label: 'Reschedule meeting' }
        : { actionId: ACTIONS.scheduleMeeting, label: 'Meeting scheduled', style: 'primary' };
    case 'complete':
      return { actionId: ACTIONS.complete, label: 'Secret received', style: 'primary' };
    case 'cancel':
      // No confirm dialog: a modal asking for the reason follows, and closing it changes nothing.
      return { actionId: ACTIONS.cancel, label: 'Cancel' };
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/** The button for one action on one rotation; the message, App Home and reminders all use this one. */
export function actionButton(rotation: Pick<Rotation, 'id' | 'version' | 'status'>, action: ActionType): types.Button {
  const spec = buttonSpec(action, rotation.status);
  return {
    type: 'button',
    action_id: spec.actionId,
    text: { type: 'plain_text', text: spec.label },
    ...(spec.style ? { style: spec.style } : {}),
    value: buttonValue(rotation),
  };
}

/**
 * "Open My Support Portal", while the portal request is still to be made;
 * none without a configured portal URL.
 */
export function portalButton(rotation: Pick<Rotation, 'status'>, portalUrl: string | undefined): types.Button | undefined {
  if (!portalUrl || !isOpen(rotation) || !awaitsSubmission(rotation)) return undefined;
  return {
    type: 'button',
    action_id: ACTIONS.openPortal,
    text: { type: 'plain_text', text: 'Open My Support Portal' },
    url: portalUrl,
  };
}

/** "Start request" on a planned next cycle: opens the request form prefilled. */
export function startPlannedButton(rotation: Pick<Rotation, 'id'>, style?: 'primary'): types.Button {
  return {
    type: 'button',
    action_id: ACTIONS.startPlanned,
    text: { type: 'plain_text', text: 'Start request' },
    ...(style ? { style } : {}),
    value: rotation.id,
  };
}
