import type { ApproverGroup } from './config';
import { CodedError, isCodedError } from './domain/errors';
import { causeOf, redactUrl } from './lib/error-text';
import { slackErrorCode } from './slack/notifier';
import { withTimeout } from './lib/with-timeout';

/*
 * Start-up, as steps that each succeed, or fail within seconds with one line
 * that names the setting, the value it has and the cause; and that stop at
 * once when the process is told to stop while it is still starting.
 */

/** One step of start-up: how long it may take, and what its failure says. */
export interface StartupStep {
  /** Unset: no limit (indexing a large store made by an earlier release takes as long as it takes; SIGTERM still stops it). */
  timeoutMs?: number;
  /** The message once `timeoutMs` has passed; read then, so it can name the last error seen meanwhile. */
  timedOut?: () => string;
  /** The message when the step fails. */
  failed: (error: unknown) => string;
}

/** The cause of a start-up failure, our coded errors being explained already. */
export const startupCause = (error: unknown): string => causeOf(error, (link) => isCodedError(link));

/**
 * Runs start-up steps, each within its time limit, and none once `signal` is
 * aborted (SIGTERM while starting): the step in progress is abandoned at once
 * with STARTUP_INTERRUPTED, and whoever started it closes what was opened.
 */
export class StartupSteps {
  constructor(private readonly signal?: AbortSignal) {}

  async run<T>(step: StartupStep, work: () => Promise<T>): Promise<T> {
    this.throwIfStopped();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const limits = new Promise<never>((_, reject) => {
      if (step.timeoutMs !== undefined) {
        const ms = step.timeoutMs;
        timer = setTimeout(() => reject(new CodedError('STARTUP_FAILED', step.timedOut?.() ?? `did not finish within ${ms} ms`)), ms);
      }
      onAbort = () => reject(interrupted());
      this.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const attempt = (async () => work())().catch((error: unknown) => {
      throw isCodedError(error, 'STARTUP_INTERRUPTED') ? error : new CodedError('STARTUP_FAILED', step.failed(error), { cause: error });
    });
    // Once abandoned (its time ran out, or SIGTERM), how it ends is nobody's to report.
    attempt.catch(() => undefined);
    try {
      return await Promise.race([attempt, limits]);
    } finally {
      clearTimeout(timer);
      if (onAbort) this.signal?.removeEventListener('abort', onAbort);
    }
  }

  private throwIfStopped(): void {
    if (this.signal?.aborted) throw interrupted();
  }
}

const interrupted = () => new CodedError('STARTUP_INTERRUPTED', 'told to stop while starting');

/** Runs `work`, giving up on it after `ms`: closing what a failed start opened must not hold the process either. */
export async function withinMs(work: Promise<unknown>, ms: number): Promise<void> {
  await withTimeout(work, ms, 'Closing').catch(() => undefined);
}

/** The Slack check at start: each try's time limit, and how many tries. */
export const SLACK_CHECK = { timeoutMs: 3000, tries: 3 } as const;

/** Slack's answers that mean the token itself is wrong, revoked or of a removed app. */
const TOKEN_REFUSALS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/** `auth.test` with SLACK_BOT_TOKEN failed: a refused token, a URL that is not Slack's, or no answer. */
export function slackCheckFailed(apiUrl: string, error: unknown): string {
  const at = `SLACK_API_URL=${apiUrl}`;
  const refusal = slackErrorCode(error);
  if (refusal && TOKEN_REFUSALS.has(refusal)) {
    return (
      `Slack refused SLACK_BOT_TOKEN (${refusal}): copy the Bot User OAuth Token (xoxb-…) again from ` +
      "the app's settings, Install App (or OAuth & Permissions), and reinstall the app if it was removed from the workspace"
    );
  }
  if (refusal) return `Slack at ${at} answered auth.test with "${refusal}": check SLACK_BOT_TOKEN`;
  const status = (error as { statusCode?: number })?.statusCode;
  if ((error as { code?: string })?.code === 'slack_webapi_http_error' && status !== undefined) {
    return `${at} does not look like Slack's Web API: auth.test answered HTTP ${status} (it should end in /api/, e.g. https://slack.com/api/)`;
  }
  const cause = startupCause(error);
  // fetch's own words for the client's `timeout`.
  if (/aborted due to timeout/i.test(cause)) return slackCheckTimedOut(apiUrl);
  return `Slack could not be reached at ${at}: ${cause}`;
}

/** No answer from SLACK_API_URL to any of the check's tries. */
export function slackCheckTimedOut(apiUrl: string): string {
  return (
    `Slack did not answer at SLACK_API_URL=${apiUrl} within ${SLACK_CHECK.timeoutMs} ms, ${SLACK_CHECK.tries} tries ` +
    '(check the network, a proxy, or SLACK_API_URL)'
  );
}

/**
 * On an org-wide install (auth.test said `is_enterprise_install`), Slack reads
 * a user group's members only in a named workspace (`team_id` is required with
 * an org token): each group of WFI_APPROVERS must name one. Undefined when
 * they all do, or on a workspace install, where nothing changes.
 */
export function approverGroupsProblem(groups: readonly ApproverGroup[], install: { orgWide: boolean; enterpriseId?: string }): string | undefined {
  const bare = groups.filter((group) => group.teamId === undefined).map((group) => group.id);
  if (!install.orgWide || bare.length === 0) return undefined;
  const example = `${bare[0] ?? 'S…'}@T0123ABCD`;
  return (
    `WFI_APPROVERS lists user group${bare.length === 1 ? '' : 's'} ${bare.join(', ')} without a workspace, and SLACK_BOT_TOKEN is an ` +
    `Enterprise Grid org-wide install${install.enterpriseId ? ` (${install.enterpriseId})` : ''}, whose token Slack lets read a group's members ` +
    `only in a named workspace: write each as S…@T…, e.g. ${example}, with the ID of a workspace the group is in (an org-wide group: any ` +
    'workspace it is enabled in; the T… of app.slack.com/client/T…/ in that workspace, or the admin dashboard)'
  );
}

/** Opening the store failed: STORE_URL (its password hidden), and why. */
export function storeFailed(storeUrl: string, error: unknown, doing = 'could not be opened'): string {
  return `STORE_URL=${redactUrl(storeUrl)} ${doing}: ${startupCause(error)}`;
}

/** The store did not answer its first write in time; `lastReported` is what it reported meanwhile, if anything. */
export function storeTimedOut(storeUrl: string, ms: number, lastReported: Error | undefined): string {
  return `STORE_URL=${redactUrl(storeUrl)} did not answer within ${ms} ms${lastReported ? `: ${startupCause(lastReported)}` : ''}`;
}

/** What the port serves in each mode, for the message that names PORT. */
const PORT_USE = { http: 'for Slack’s requests and /healthz', socket: 'for /healthz in Socket Mode' } as const;

/** Binding PORT, and in Socket Mode opening the connection with SLACK_APP_TOKEN, failed. */
export function transportFailed(settings: { port: number; apiUrl: string; mode: 'http' | 'socket' }, error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const port = `PORT=${settings.port} (${PORT_USE[settings.mode]})`;
  if (code === 'EADDRINUSE') return `${port} is already in use by another program (${startupCause(error)}): set PORT to a free port, or stop that program`;
  if (code === 'EACCES') return `${port} may not be opened by this user (${startupCause(error)}): use a port from 1024 up`;
  if ((error as { syscall?: string })?.syscall === 'listen') return `${port} could not be opened: ${startupCause(error)}`;
  const refusal = slackErrorCode(error);
  if (refusal) {
    return (
      `Slack refused SLACK_APP_TOKEN (${refusal}): generate an app-level token with the connections:write scope ` +
      "(the app's settings, Basic Information → App-Level Tokens) and turn Socket Mode on; or unset SLACK_APP_TOKEN for HTTP mode"
    );
  }
  return `the Socket Mode connection (SLACK_APP_TOKEN, through SLACK_API_URL=${settings.apiUrl}) could not be opened: ${startupCause(error)}`;
}

/** Socket Mode's connection, or binding the port, did not finish in time. */
export function transportTimedOut(settings: { port: number; apiUrl: string; mode: 'http' | 'socket' }, ms: number): string {
  if (settings.mode === 'http') return `PORT=${settings.port} could not be opened within ${ms} ms`;
  return (
    `Slack did not open the Socket Mode connection within ${ms} ms (SLACK_APP_TOKEN, through SLACK_API_URL=${settings.apiUrl}): ` +
    "check that Socket Mode is on in the app's settings and that the network lets WebSocket connections out"
  );
}
