import type { MessageRef, Rotation } from './rotation';

/** Durable storage of rotations. Implementations live in `store/`. */
export interface RotationStore {
  /** Stores a new rotation; fails with ROTATION_EXISTS when the id is taken. */
  insert(rotation: Rotation): Promise<void>;
  get(id: string): Promise<Rotation | undefined>;
  /** Records where the rotation's message was posted. */
  setMessage(id: string, message: MessageRef): Promise<void>;
  /** Resolves when the store answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The Slack side of a rotation, seen from the services. */
export interface Notifier {
  /**
   * Posts the rotation's message to its channel (or, when the bot cannot post
   * there, to the requester directly) and says where it went.
   */
  postRotation(rotation: Rotation, now: Date): Promise<MessageRef>;
}

export interface Clock {
  now(): Date;
}
