import type { MeetingInput } from '../../domain/step-inputs';
import { STEP_BLOCKS } from '../ids';
import { definedOnly, inputState, isRecord, selectedValueOf, stringsOf, textOf, type StateValues } from './request-form';

type StepField = keyof typeof STEP_BLOCKS;
type Values = StateValues | null | undefined;

const input = (values: Values, field: StepField) => inputState(values, STEP_BLOCKS[field]);

/** Reject and cancel. */
export function parseReasonForm(values: Values): { reason?: string } {
  return definedOnly({ reason: textOf(input(values, 'reason')?.value) });
}

/** "Mark submitted in portal". */
export function parseSubmissionForm(values: Values): { caseNumber?: string; submittedOn?: string } {
  return definedOnly({
    caseNumber: textOf(input(values, 'caseNumber')?.value),
    submittedOn: textOf(input(values, 'submittedOn')?.selected_date),
  });
}

/** "Meeting scheduled" and "Reschedule meeting". `timeZone` may be `MY_TIME_ZONE`, for the listener to resolve. */
export function parseMeetingForm(values: Values): MeetingInput {
  return definedOnly<MeetingInput>({
    platform: selectedValueOf(input(values, 'platform')),
    date: textOf(input(values, 'date')?.selected_date),
    time: textOf(input(values, 'time')?.selected_time),
    timeZone: selectedValueOf(input(values, 'timeZone')),
    joinUrl: textOf(input(values, 'joinUrl')?.value),
    attendeeIds: stringsOf(input(values, 'attendeeIds')?.selected_users),
  });
}

/** "Secret received": the ticked option values, unchecked here (`checkConfirmations` keeps the known ones). */
export function parseCompletionForm(values: Values): { confirmations: string[] } {
  const selected: unknown = input(values, 'confirmations')?.selected_options;
  const options = Array.isArray(selected) ? selected : [];
  const confirmations = options
    .map((option: unknown) => (isRecord(option) ? textOf(option.value) : undefined))
    .filter((value): value is string => value !== undefined);
  return { confirmations: [...new Set(confirmations)] };
}

/**
 * Step-field errors (from checkReason, checkSubmission, checkMeeting) keyed
 * by block_id, as `response_action: "errors"` wants. A field with no block in
 * the step modals is dropped: there is nowhere in the view to show it.
 */
export function toStepBlockErrors(errors: Partial<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors)
      .filter((entry): entry is [StepField, string] => Object.hasOwn(STEP_BLOCKS, entry[0]) && typeof entry[1] === 'string')
      .map(([field, message]) => [STEP_BLOCKS[field], message]),
  );
}
