import type { ViewOutput, ViewStateValue } from '@slack/bolt';
import type { RawRotationRequest, RequestField } from '../../domain/rotation-request';
import { INPUT_ACTION, REQUEST_BLOCKS } from '../ids';

type StateValues = ViewOutput['state']['values'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the request modal's state into raw input. The payload round-trips
 * through the client, so every value is read defensively: anything missing or
 * of the wrong shape becomes `undefined` and validation names the field.
 */
export function parseRequestForm(values: StateValues | null | undefined): RawRotationRequest {
  const input = (field: RequestField): Partial<ViewStateValue> | undefined => {
    const block: unknown = isRecord(values) ? values[REQUEST_BLOCKS[field]] : undefined;
    const state: unknown = isRecord(block) ? block[INPUT_ACTION] : undefined;
    return isRecord(state) ? state : undefined;
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
  const raw: RawRotationRequest = {
    instanceUrl: text(input('instanceUrl')?.value),
    environmentType: text(input('environmentType')?.selected_option?.value),
    deadline: text(input('deadline')?.selected_date),
    channelId: text(input('channelId')?.selected_conversation),
    attendeeIds: strings(input('attendeeIds')?.selected_users),
    notes: text(input('notes')?.value),
  };
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== null)) as RawRotationRequest;
}

/** Field errors in the shape `response_action: "errors"` wants: keyed by block_id. */
export function toBlockErrors(errors: Partial<Record<RequestField, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [REQUEST_BLOCKS[field as RequestField], message]),
  );
}
