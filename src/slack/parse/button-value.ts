import { ROTATION_ID_PATTERN, type Rotation } from '../../domain/rotation';

/** What a button carries back: the rotation and the version it was rendered at, to refuse stale clicks. */
export function buttonValue(rotation: Pick<Rotation, 'id' | 'version'>): string {
  return `${rotation.id}:${rotation.version}`;
}

export function parseButtonValue(value: string | undefined): { id: string; version: number } | undefined {
  const match = /^(ROT-[A-Z0-9]{6}):(\d{1,9})$/.exec(value ?? '');
  // The value round-trips through the client: only an id the bot could have made is looked up.
  return match && ROTATION_ID_PATTERN.test(match[1] as string) ? { id: match[1] as string, version: Number(match[2]) } : undefined;
}
