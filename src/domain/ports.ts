import type { AuditEntry, MessageRef, Rotation } from './rotation';

/** Durable storage of rotations. Implementations live in `store/`. */
export interface RotationStore {
  /** Stores a new rotation; fails with ROTATION_EXISTS when the id is taken. */
  insert(rotation: Rotation): Promise<void>;
  get(id: string): Promise<Rotation | undefined>;
  /**
   * Writes the next state of a rotation only if the stored one is still at
   * `expectedVersion`: false when another change got there first.
   */
  replace(rotation: Rotation, expectedVersion: number): Promise<boolean>;
  /** Records where the rotation's message was posted. */
  setMessage(id: string, message: MessageRef): Promise<void>;
  /** Every rotation, in no particular order. */
  list(): Promise<Rotation[]>;
  /** Resolves when the store answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Whether a person may approve: listed in WFI_APPROVERS directly or through a user group. */
export interface ApproverDirectory {
  isApprover(userId: string): Promise<boolean>;
  /** The approvers listed by user id (groups are not expanded): for dashboards and mentions. */
  listedUserIds(): string[];
}

/** The Slack side of a rotation, seen from the services. */
export interface Notifier {
  /**
   * Posts the rotation's message to its channel (or, when the bot cannot post
   * there, to the requester directly) and says where it went.
   */
  postRotation(rotation: Rotation, now: Date): Promise<MessageRef>;
  /** Re-renders the rotation's message in place and replies in its thread with what changed. */
  announceChange(rotation: Rotation, entry: AuditEntry, now: Date): Promise<void>;
  /** Publishes the App Home dashboard of each person. */
  publishHomes(userIds: string[], rotations: Rotation[], now: Date): Promise<void>;
  /** Sends a person the CSV export of every rotation, in a direct message. */
  sendExport(userId: string, csv: string, rotationCount: number): Promise<void>;
}

export interface Clock {
  now(): Date;
}
