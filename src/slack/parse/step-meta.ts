import { isTimeZone } from '../../domain/calendar';
import { ROTATION_ID_PATTERN } from '../../domain/rotation';
import { isRecord } from './request-form';

/** What a step modal carries in `private_metadata`: the rotation and the version its button was rendered at. */
export interface StepMeta {
  rotationId: string;
  version: number;
  /**
   * The meeting form's "My Slack time zone", looked up once the form was open,
   * so that its submission is answered without asking Slack anything.
   */
  myTimeZone?: string;
}

/** Only these fields, whatever else the object holds: private_metadata is echoed back by the client. */
export function encodeStepMeta(meta: StepMeta): string {
  return JSON.stringify({
    rotationId: meta.rotationId,
    version: meta.version,
    ...(meta.myTimeZone ? { myTimeZone: meta.myTimeZone } : {}),
  });
}

/** Far more than `{"rotationId":"ROT-XXXXXX","version":999999999,"myTimeZone":"…"}` needs; anything longer was not written by us. */
const STEP_META_MAX = 200;

/**
 * A step modal's private_metadata, read back. The client echoes it, so it is
 * untrusted: anything but the exact shape `encodeStepMeta` writes is refused.
 */
export function parseStepMeta(raw: unknown): StepMeta | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > STEP_META_MAX) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const rotationId = Object.hasOwn(parsed, 'rotationId') ? parsed.rotationId : undefined;
  const version = Object.hasOwn(parsed, 'version') ? parsed.version : undefined;
  if (typeof rotationId !== 'string' || !ROTATION_ID_PATTERN.test(rotationId)) return undefined;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version >= 1e9) return undefined;
  const myTimeZone = Object.hasOwn(parsed, 'myTimeZone') ? parsed.myTimeZone : undefined;
  // Only a zone the runtime knows; anything else reads as "not looked up", and the form asks for a zone.
  const zone = typeof myTimeZone === 'string' && myTimeZone.length <= 64 && isTimeZone(myTimeZone) ? myTimeZone : undefined;
  return { rotationId, version, ...(zone ? { myTimeZone: zone } : {}) };
}
