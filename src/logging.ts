import { randomBytes } from 'node:crypto';
import type { Logger, LogLevel } from '@slack/bolt';
import { REDACTED, redactSecrets } from './domain/secret-detector';

/** The last request id given out: a random start, so ids of different runs of the process seldom meet in one log. */
let lastRequestNumber = randomBytes(4).readUInt32BE(0);

/**
 * A short id for one request from Slack (8 hex digits), so its log lines can
 * be found together: counted on from a random start, unique within a process
 * for four billion requests, with no entropy read per request (npm run bench).
 */
export function newRequestId(): string {
  lastRequestNumber = (lastRequestNumber + 1) >>> 0;
  return lastRequestNumber.toString(16).padStart(8, '0');
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

  /** One log line made safe, prefixed with its request's id when it has one: what every level goes through. */
  clean(parts: unknown[], requestId?: string): string {
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
    return requestId ? `[request ${requestId}] ${text}` : text;
  }

  /**
   * The same logger with every line prefixed by one request's id: what that
   * request's listeners are given. Passed by hand rather than found through
   * AsyncLocalStorage, whose promise hooks made every promise of the process
   * dearer (about 0.1 ms of CPU per command, npm run bench).
   */
  forRequest(requestId: string): Logger {
    return new RequestLogger(this, requestId);
  }

  debug(...msg: unknown[]): void {
    this.write('debug', msg);
  }
  info(...msg: unknown[]): void {
    this.write('info', msg);
  }
  warn(...msg: unknown[]): void {
    this.write('warn', msg);
  }
  error(...msg: unknown[]): void {
    this.write('error', msg);
  }
  setLevel(level: LogLevel): void {
    this.inner.setLevel(level);
  }

  // A line below the level is dropped before it is cleaned: the Web client
  // logs every call's whole body at debug, and redacting it would cost each
  // request CPU for a line nobody sees (measured by `npm run bench`).
  /** Writes one line at `level` (errors always), cleaned, with `requestId` when given. */
  write(level: 'debug' | 'info' | 'warn' | 'error', parts: unknown[], requestId?: string): void {
    if (level !== 'error' && !this.shows(level)) return;
    this.inner[level](this.clean(parts, requestId));
  }

  /** Whether a line at `level` would be written: to skip building a debug line nobody sees. */
  shows(level: 'debug' | 'info' | 'warn'): boolean {
    return (SEVERITY[level] ?? 0) >= (SEVERITY[String(this.inner.getLevel())] ?? 0);
  }
  getLevel(): LogLevel {
    return this.inner.getLevel();
  }
  setName(name: string): void {
    this.inner.setName(name);
  }
}

/** One request's view of the bot's logger: each line carries the request's id (see RedactingLogger.forRequest). */
class RequestLogger implements Logger {
  constructor(
    private readonly logger: RedactingLogger,
    readonly requestId: string,
  ) {}

  debug(...msg: unknown[]): void {
    this.logger.write('debug', msg, this.requestId);
  }
  info(...msg: unknown[]): void {
    this.logger.write('info', msg, this.requestId);
  }
  warn(...msg: unknown[]): void {
    this.logger.write('warn', msg, this.requestId);
  }
  error(...msg: unknown[]): void {
    this.logger.write('error', msg, this.requestId);
  }
  setLevel(level: LogLevel): void {
    this.logger.setLevel(level);
  }
  getLevel(): LogLevel {
    return this.logger.getLevel();
  }
  setName(name: string): void {
    this.logger.setName(name);
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
