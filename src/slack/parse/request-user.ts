import { isRecord } from './request-form';

/**
 * Who a slash command, click or form comes from, as sent (untrusted: the
 * caller checks it): `user_id` on a command, `user.id` on an interactive
 * payload; undefined for events, many of which carry no user.
 */
export function requestUserId(body: unknown): unknown {
  if (!isRecord(body) || body.event !== undefined) return undefined;
  if (body.command !== undefined) return body.user_id;
  return isRecord(body.user) ? body.user.id : undefined;
}
