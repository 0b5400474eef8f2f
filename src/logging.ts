import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Logger, LogLevel } from '@slack/bolt';
import { REDACTED, redactSecrets } from './domain/secret-detector';

/** The request a log line belongs to: set around each request's listeners. */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** A short id for one request from Slack, so its log lines can be found together. */
export function newRequestId(): string {
  return randomBytes(4).toString('hex');
}

/** Runs `work` with `requestId` attached to every line it logs. */
export function inRequest<T>(requestId: string, work: () => Promise<T>): Promise<T> {
  return requestScope.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/**
 * Debug lines of the Socket Mode client that print a whole payload from
 * Slack, which holds whatever people typed: the first words are kept, the
 * payload is not. (Bolt's own dump of each body is logged only in its
 * developer mode, which the bot never turns on.)
 */
const PAYLOAD_DUMPS = [
  /^Received a message on the WebSocket: /,
  /^Unable to parse an incoming WebSocket message \(will ignore\): /,
  /^Sending a WebSocket message: /,
  /^Calling ack\(\) - type: \S+, envelope_id: \S+, data: /,
];

/** LogLevel's values, least severe first. */
const SEVERITY: Record<string, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Longer lines are cut: an error message can quote a payload's field, which may be up to the 1 MiB body limit. */
export const MAX_LINE_CHARS = 8000;

function asText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.message;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}

/** `text` with each of `secrets` (longest first) and whatever the detector flags replaced by `[redacted]`. */
export function redactLine(text: string, secrets: Array<string | undefined>): string {
  return redactSorted(text, bySize(secrets));
}

function redactSorted(text: string, sortedSecrets: readonly string[]): string {
  let safe = text;
  for (const secret of sortedSecrets) safe = safe.split(secret).join(REDACTED);
  return redactSecrets(safe);
}

/** The configured secrets worth redacting, longest first, so a secret that contains another is replaced whole. */
function bySize(secrets: Array<string | undefined>): string[] {
  return [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
}

/**
 * The only logger the bot uses (Bolt, the Web and Socket Mode clients, our
 * code): every line is prefixed with its request's id, loses any payload
 * dump, and has the configured secrets (tokens, signing secret, store
 * password) and anything the secret detector flags replaced by `[redacted]`,
 * at every level.
 */
export class RedactingLogger implements Logger {
  private readonly secrets: string[];

  constructor(
    private readonly inner: Logger,
    secrets: Array<string | undefined>,
  ) {
    this.secrets = bySize(secrets);
  }

  /** One log line made safe: what every level goes through. */
  clean(parts: unknown[]): string {
    let text = parts.map(asText).join(' ');
    for (const dump of PAYLOAD_DUMPS) {
      const match = dump.exec(text);
      if (match) {
        text = `${text.slice(0, match.index + match[0].length)}(payload omitted)`;
        break;
      }
    }
    text = redactSorted(text, this.secrets);
    if (text.length > MAX_LINE_CHARS) text = `${text.slice(0, MAX_LINE_CHARS)}… (${text.length - MAX_LINE_CHARS} more characters cut)`;
    const requestId = currentRequestId();
    return requestId ? `[request ${requestId}] ${text}` : text;
  }

  // A line below the level is dropped before it is cleaned: the Web client
  // logs every call's whole body at debug, and redacting it would cost each
  // request CPU for a line nobody sees (measured by `npm run bench`).
  debug(...msg: unknown[]): void {
    if (this.shows('debug')) this.inner.debug(this.clean(msg));
  }
  info(...msg: unknown[]): void {
    if (this.shows('info')) this.inner.info(this.clean(msg));
  }
  warn(...msg: unknown[]): void {
    if (this.shows('warn')) this.inner.warn(this.clean(msg));
  }
  error(...msg: unknown[]): void {
    this.inner.error(this.clean(msg));
  }
  setLevel(level: LogLevel): void {
    this.inner.setLevel(level);
  }

  private shows(level: 'debug' | 'info' | 'warn'): boolean {
    return (SEVERITY[level] ?? 0) >= (SEVERITY[String(this.inner.getLevel())] ?? 0);
  }
  getLevel(): LogLevel {
    return this.inner.getLevel();
  }
  setName(name: string): void {
    this.inner.setName(name);
  }
}

/**
 * `logger` with its warnings and errors turned into debug lines while
 * `quiet()` holds: for a client whose failures at start-up are reported once,
 * in the start-up error that names the setting, not also line by line.
 */
export function quietWhile(logger: Logger, quiet: () => boolean): Logger {
  return {
    debug: (...msg) => logger.debug(...msg),
    info: (...msg) => logger.info(...msg),
    warn: (...msg) => (quiet() ? logger.debug(...msg) : logger.warn(...msg)),
    error: (...msg) => (quiet() ? logger.debug(...msg) : logger.error(...msg)),
    setLevel: (level) => logger.setLevel(level),
    getLevel: () => logger.getLevel(),
    setName: (name) => logger.setName(name),
  };
}
