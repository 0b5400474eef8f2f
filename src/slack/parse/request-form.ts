import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import type { RawRotationRequest, RequestField } from '../../domain/rotation-request';
import { INPUT_ACTION, REQUEST_BLOCKS } from '../ids';

export type StateValues = ViewOutput['state']['values'];

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The state of the `INPUT_ACTION` element in one block, or `undefined` when
 * the payload does not have that shape. Own properties only, so a block id
 * like `__proto__` or `constructor` cannot reach the prototype.
 */
export function inputState(values: unknown, blockId: string): Partial<ViewStateValue> | undefined {
  const block: unknown = isRecord(values) && Object.hasOwn(values, blockId) ? values[blockId] : undefined;
  const state: unknown = isRecord(block) && Object.hasOwn(block, INPUT_ACTION) ? block[INPUT_ACTION] : undefined;
  return isRecord(state) ? state : undefined;
}

export const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const stringsOf = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

/** The value of a selected option (`static_select`), read without trusting its shape. */
export const selectedValueOf = (state: Partial<ViewStateValue> | undefined): string | undefined => {
  const option: unknown = state?.selected_option;
  return isRecord(option) ? textOf(option.value) : undefined;
};

/** Drops the fields that were not there, so a parsed form has only what was entered. */
export function definedOnly<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * Reads the request modal's state into raw input. The payload round-trips
 * through the client, so every value is read defensively: anything missing or
 * of the wrong shape becomes `undefined` and validation names the field.
 */
export function parseRequestForm(values: StateValues | null | undefined): RawRotationRequest {
  const input = (field: RequestField) => inputState(values, REQUEST_BLOCKS[field]);
  return definedOnly<RawRotationRequest>({
    instanceUrl: textOf(input('instanceUrl')?.value),
    environmentType: selectedValueOf(input('environmentType')),
    deadline: textOf(input('deadline')?.selected_date),
    channelId: textOf(input('channelId')?.selected_conversation),
    attendeeIds: stringsOf(input('attendeeIds')?.selected_users),
    notes: textOf(input('notes')?.value),
    rotationIntervalDays: selectedValueOf(input('rotationIntervalDays')),
  });
}

/** Field errors in the shape `response_action: "errors"` wants: keyed by block_id. */
export function toBlockErrors(errors: Partial<Record<RequestField, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors)
      .filter((entry): entry is [RequestField, string] => Object.hasOwn(REQUEST_BLOCKS, entry[0]) && typeof entry[1] === 'string')
      .map(([field, message]) => [REQUEST_BLOCKS[field], message]),
  );
}
