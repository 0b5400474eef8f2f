import type Keyv from 'keyv';
import { DomainError } from '../domain/errors';
import type { RotationStore } from '../domain/ports';
import { ROTATION_SCHEMA_VERSION, type MessageRef, type Rotation } from '../domain/rotation';

const rotationKey = (id: string) => `rotation:${id}`;
const HEALTH_KEY = 'health';

/**
 * Records are plain JSON (keyv serialises with JSON): dates are ISO strings and
 * calendar dates, never `Date` objects, and every record says its schema
 * version so a later release can migrate what an earlier one wrote.
 */
function revive(raw: unknown, id: string): Rotation {
  const record = raw as Partial<Rotation> | null;
  if (!record || typeof record !== 'object' || record.schemaVersion !== ROTATION_SCHEMA_VERSION) {
    throw new DomainError('UNSUPPORTED_SCHEMA', `Rotation ${id} was stored with an unknown schema version`);
  }
  return record as Rotation;
}

export class KeyvRotationStore implements RotationStore {
  constructor(private readonly keyv: Keyv) {}

  async insert(rotation: Rotation): Promise<void> {
    const key = rotationKey(rotation.id);
    if (await this.keyv.has(key)) throw new DomainError('ROTATION_EXISTS', `Rotation ${rotation.id} already exists`);
    await this.keyv.set(key, rotation);
  }

  async get(id: string): Promise<Rotation | undefined> {
    const raw: unknown = await this.keyv.get(rotationKey(id));
    return raw === undefined ? undefined : revive(raw, id);
  }

  async setMessage(id: string, message: MessageRef): Promise<void> {
    const rotation = await this.get(id);
    if (!rotation) throw new DomainError('ROTATION_NOT_FOUND', `Rotation ${id} does not exist`);
    await this.keyv.set(rotationKey(id), { ...rotation, message });
  }

  async ping(): Promise<void> {
    await this.keyv.set(HEALTH_KEY, Date.now());
  }

  async close(): Promise<void> {
    await this.keyv.disconnect();
  }
}
