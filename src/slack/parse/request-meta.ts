import { ROTATION_ID_PATTERN } from '../../domain/rotation';

/** What the request form carries in private_metadata: the planned rotation it starts, if any. */
export interface RequestMeta {
  plannedRotationId?: string;
}

export function encodeRequestMeta(meta: RequestMeta): string {
  return JSON.stringify(meta);
}

/** private_metadata round-trips through the client: anything unexpected reads as "no planned rotation". */
export function parseRequestMeta(raw: unknown): RequestMeta {
  if (typeof raw !== 'string' || raw === '' || raw.length > 200) return {};
  try {
    const value = JSON.parse(raw) as { plannedRotationId?: unknown };
    const id = value?.plannedRotationId;
    return typeof id === 'string' && ROTATION_ID_PATTERN.test(id) ? { plannedRotationId: id } : {};
  } catch {
    return {};
  }
}
