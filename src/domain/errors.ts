import type { RotationStatus } from './rotation';

/*
 * Every error the bot names, in one module (the style of @slack/bolt's
 * errors.ts): each has a code, and code is what callers switch on.
 *
 * - A **refusal** is an expected answer to a person: the step is not allowed,
 *   out of date, already done, or the rotation is gone. It is returned in a
 *   result (`{ ok: false, error }`), never thrown, and a listener turns it into
 *   a private message or a form's notice (`explainRefusal`).
 * - A **fault** is something that should not happen in a healthy system (bad
 *   configuration, an unreachable or busy store, an id collision, a record from
 *   a newer version, Slack refusing a reminder for good). It is thrown as a
 *   `CodedError`; a listener reports it as "nothing was saved, try again" and
 *   logs it, and start-up turns it into one readable line.
 */

export type Refusal =
  | { code: 'ROTATION_NOT_FOUND' }
  /** Approving or rejecting needs WFI_APPROVERS. */
  | { code: 'NOT_AN_APPROVER' }
  /** The requester approving their own request without WFI_ALLOW_SELF_APPROVAL. */
  | { code: 'SELF_APPROVAL' }
  /** Neither in the handoff nor an approver. */
  | { code: 'NOT_INVOLVED' }
  /** The step depends on the actor's approver rights, which could not be checked in time (Slack slow): try again shortly. */
  | { code: 'APPROVER_UNKNOWN' }
  /** The same change was already made (a double click, a second approver): by whom and when. */
  | { code: 'ALREADY_DONE'; status: RotationStatus; by: string; at: string }
  /** The button was rendered before another change; the rotation is now in `status`. */
  | { code: 'STALE'; status: RotationStatus }
  | { code: 'INVALID_TRANSITION'; status: RotationStatus }
  /** A planned next cycle that someone else started (or that is no longer planned). */
  | { code: 'PLANNED_ALREADY_STARTED' };

export type RefusalCode = Refusal['code'];

/** The refusals of some codes only: what one use case can answer. */
export type RefusalOf<C extends RefusalCode> = Extract<Refusal, { code: C }>;

export type FaultCode =
  /** An environment variable is missing or wrong (start-up). */
  | 'CONFIG_INVALID'
  /** A start-up step failed or ran out of time; the message names the setting, its value and the cause. */
  | 'STARTUP_FAILED'
  /** SIGTERM or SIGINT arrived while the bot was starting: it stops instead of finishing the start. */
  | 'STARTUP_INTERRUPTED'
  /** STORE_URL names no engine the bot knows (start-up, store:migrate). */
  | 'STORE_URL_UNSUPPORTED'
  /** The store did not answer (start-up, the health check). */
  | 'STORE_UNAVAILABLE'
  /** Another writer held the rotation longer than a request can wait: try again. */
  | 'STORE_BUSY'
  /** A new rotation's id is taken (one in 30^6): the caller draws another. */
  | 'ROTATION_EXISTS'
  /** A record written by a newer version of the bot. */
  | 'SCHEMA_UNSUPPORTED'
  /** store:migrate found the target different from the source, or could not verify it. */
  | 'MIGRATION_FAILED'
  /** Slack would not take a reminder anywhere; the message is Slack's reason. */
  | 'REMINDER_UNDELIVERABLE'
  /** Slack did not take a reminder for now (rate limited, a 5xx, no answer): the scheduler tries it again later. */
  | 'SLACK_UNAVAILABLE'
  /**
   * Slack refused a person's App Home (`hash_conflict`): it changed since the
   * hash the publish was made against, so the view was read before another
   * publish. The caller reads it again and publishes that.
   */
  | 'HOME_VIEW_CHANGED';

export class CodedError extends Error {
  /**
   * A short code for what went wrong outside the bot, from a small set (Slack's
   * `error`, such as `channel_not_found`), when the message says more: what the
   * metrics count a failed reminder by.
   */
  readonly reason?: string;

  constructor(
    readonly code: FaultCode,
    message: string,
    options?: { cause?: unknown; reason?: string },
  ) {
    super(message, options);
    this.name = 'CodedError';
    if (options?.reason !== undefined) this.reason = options.reason;
  }
}

export function isCodedError(error: unknown, code?: FaultCode): error is CodedError {
  return error instanceof CodedError && (code === undefined || error.code === code);
}
