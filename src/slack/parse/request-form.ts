import type { ViewOutput } from '@slack/bolt';
import type { RawRotationRequest, RequestField } from '../../domain/rotation-request';
import { INPUT_ACTION, REQUEST_BLOCKS } from '../ids';

type StateValues = ViewOutput['state']['values'];

/**
 * Reads the request modal's state into raw input. The payload round-trips
 * through the client, so every value is read defensively: anything missing or
 * of the wrong shape becomes `undefined` and validation names the field.
 */
export function parseRequestForm(values: StateValues): RawRotationRequest {
  const input = (field: RequestField) => values[REQUEST_BLOCKS[field]]?.[INPUT_ACTION];
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
