import { randomBytes } from 'node:crypto';
import { LogLevel, type Logger } from '@slack/bolt';
import { ConsoleLogger } from '@slack/logger';
import pino, { type DestinationStream } from 'pino';
import type { LogConfig, LogFormatName, LogLevelName } from './config';
import { ID_ALPHABET } from './domain/rotation';
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

/** Bolt's levels by the names LOG_LEVEL takes. */
export const LOG_LEVELS: Record<LogLevelName, LogLevel> = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR };

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

/** What a JSON line says besides its time, level and message: whichever of these the line is about. */
export interface LineFields {
  requestId?: string;
  rotationId?: string;
  /** A Web API method (`chat.postMessage`), as the Web client's lines and its errors name it. */
  slackMethod?: string;
}

/** A request id named in a line written without its request's logger (Bolt's error handler names it in its text). */
const REQUEST_ID_IN_TEXT = /\brequest ([0-9a-f]{8})\b/;
const ROTATION_ID_IN_TEXT = new RegExp(`\\bROT-[${ID_ALPHABET}]{6}\\b`);
/** A Web API method as the Web client names it: in a URL under the API's base, or in its `apiCall('…')` lines. */
const SLACK_METHOD_MARKED = /(?:\/api\/|apiCall\(')([a-z]+(?:\.[A-Za-z]+)+)/;
/**
 * A Web API method named bare in a line (`chat.postMessage`): a family of
 * Slack's methods, a dot, a camel-case name, and not part of a longer dotted
 * name, so that a host (`chat.acme.com`, which an instance URL could be) is not taken for one.
 */
const SLACK_METHOD_BARE =
  /(?<![\w./-])((?:admin|apps|assistant|auth|bookmarks|bots|calls|chat|conversations|dialog|dnd|emoji|files|functions|pins|reactions|reminders|search|team|usergroups|users|views|workflows)\.[a-z][A-Za-z]*)(?![\w-]|\.[A-Za-z])/;

/** The fields of a cleaned line: its request's id (given, or named in its text), the rotation and Slack method it names. */
export function lineFields(text: string, requestId?: string): LineFields {
  const request = requestId ?? REQUEST_ID_IN_TEXT.exec(text)?.[1];
  const rotation = ROTATION_ID_IN_TEXT.exec(text)?.[0];
  const method = (SLACK_METHOD_MARKED.exec(text) ?? SLACK_METHOD_BARE.exec(text))?.[1];
  return {
    ...(request ? { requestId: request } : {}),
    ...(rotation ? { rotationId: rotation } : {}),
    ...(method ? { slackMethod: method } : {}),
  };
}

/**
 * The only logger the bot uses (Bolt, the Web and Socket Mode clients, our
 * code): every line loses any payload dump and has the configured secrets
 * (tokens, signing secret, store password) and anything the secret detector
 * flags replaced by `[redacted]`, at every level. As text (the default), a
 * request's line is prefixed with its id; as JSON, the logger underneath (a
 * pino logger, see `createLogger`) is given the line's fields, then its text.
 */
export class RedactingLogger implements Logger {
  private readonly secrets: string[];

  constructor(
    private readonly inner: Logger,
    secrets: Array<string | undefined>,
    readonly format: LogFormatName = 'text',
  ) {
    this.secrets = bySize(secrets);
  }

  /** One log line made safe, prefixed with its request's id when it has one: what every text line goes through. */
  clean(parts: unknown[], requestId?: string): string {
    const text = this.cleanText(parts);
    return requestId ? `[request ${requestId}] ${text}` : text;
  }

  /** One log line made safe: the payload dumps cut, the secrets redacted, the length bounded. */
  private cleanText(parts: unknown[]): string {
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
    return text;
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
    if (this.format === 'text') {
      this.inner[level](this.clean(parts, requestId));
      return;
    }
    // The fields are read from the cleaned text: whatever they name has been through the redaction.
    const text = this.cleanText(parts);
    this.inner[level](lineFields(text, requestId), text);
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

/** A view of another logger: its level and name are that logger's; what each view does with a line is its own. */
abstract class LoggerView<L extends Logger> implements Logger {
  constructor(protected readonly logger: L) {}

  abstract debug(...msg: unknown[]): void;
  abstract info(...msg: unknown[]): void;
  abstract warn(...msg: unknown[]): void;
  abstract error(...msg: unknown[]): void;
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

/** One request's view of the bot's logger: each line carries the request's id (see RedactingLogger.forRequest). */
class RequestLogger extends LoggerView<RedactingLogger> {
  constructor(
    logger: RedactingLogger,
    readonly requestId: string,
  ) {
    super(logger);
  }

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
}

/**
 * pino behind Bolt's Logger interface: what a RedactingLogger in the JSON
 * format writes through. It is handed the fields first, then the message
 * (pino's own calling convention), and writes one JSON object per line:
 * `time` (ISO), `level` (by name), the fields, `message`.
 */
export class PinoLogger implements Logger {
  private readonly pino: pino.Logger;

  constructor(destination: DestinationStream) {
    this.pino = pino(
      {
        // No pid or host name: the container's log pipeline adds where a line came from.
        base: undefined,
        messageKey: 'message',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    );
  }

  debug(...msg: unknown[]): void {
    this.pino.debug(...(msg as [object, string]));
  }
  info(...msg: unknown[]): void {
    this.pino.info(...(msg as [object, string]));
  }
  warn(...msg: unknown[]): void {
    this.pino.warn(...(msg as [object, string]));
  }
  error(...msg: unknown[]): void {
    this.pino.error(...(msg as [object, string]));
  }
  // Bolt's level names (debug, info, warn, error) are pino's.
  setLevel(level: LogLevel): void {
    this.pino.level = level;
  }
  getLevel(): LogLevel {
    return this.pino.level as LogLevel;
  }
  /** Every component logs as the one bot: no name per component in the line. */
  setName(): void {}
}

/** Where a logger writes: text lines to a Bolt Logger, JSON lines to a stream (each a whole line, newline included). */
export interface LogOutput {
  text?: Logger;
  json?: DestinationStream;
}

/**
 * The bot's logger for LOG_FORMAT and LOG_LEVEL, redacting `secrets`: text
 * lines through @slack/logger's ConsoleLogger, JSON lines to stdout (written
 * at once, so none is lost when the process exits), unless `output` says
 * where. What src/index.ts logs with, and what startBot uses when not given one.
 */
export function createLogger(config: LogConfig, secrets: Array<string | undefined>, output: LogOutput = {}): RedactingLogger {
  const inner =
    config.logFormat === 'json'
      ? new PinoLogger(output.json ?? pino.destination({ dest: 1, sync: true }))
      : (output.text ?? new ConsoleLogger());
  const logger = new RedactingLogger(inner, secrets, config.logFormat);
  logger.setLevel(LOG_LEVELS[config.logLevel]);
  return logger;
}

/**
 * The Socket Mode client's view of the bot's logger. When its connection to
 * Slack drops (Slack recycles its servers; a proxy or the network cuts an
 * idle connection), the client reconnects on its own, yet logs the drop as
 * two errors (`WebSocket error occurred: ` and `WebSocket error! …`, both
 * with an empty message when the socket closed without a close frame), which
 * would page someone for a routine event. They are logged as what they are:
 * one info line saying the connection dropped and is being reconnected. A
 * reconnection that fails is still an error (`Failed to retrieve a new WSS URL`).
 */
export class SocketModeLogger extends LoggerView<Logger> {
  debug(...msg: unknown[]): void {
    this.logger.debug(...msg);
  }
  info(...msg: unknown[]): void {
    this.logger.info(...msg);
  }
  warn(...msg: unknown[]): void {
    this.logger.warn(...msg);
  }
  error(...msg: unknown[]): void {
    const text = msg.length === 1 && typeof msg[0] === 'string' ? msg[0] : undefined;
    const dropped = text === undefined ? undefined : /^WebSocket error occurred: (.*)$/s.exec(text);
    if (dropped) {
      this.logger.info(`Socket Mode: the connection to Slack dropped (${dropped[1] || 'closed without a close frame'}); reconnecting`);
    } else if (text?.startsWith('WebSocket error! ')) {
      // The client's echo of the same drop, as an error event: the line above said it.
      this.logger.debug(`Socket Mode: ${text}`);
    } else {
      this.logger.error(...msg);
    }
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
