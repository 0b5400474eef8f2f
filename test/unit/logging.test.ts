import { LogLevel, type Logger } from '@slack/bolt';
import { createLogger, lineFields, newRequestId, redactLine, RedactingLogger, SocketModeLogger } from '../../src/logging';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Level[] = ['debug', 'info', 'warn', 'error'];

/** The logger underneath: keeps what it is given, level by level. */
class CapturingLogger implements Logger {
  readonly lines: Array<{ level: Level; args: unknown[] }> = [];
  level: LogLevel = LogLevel.DEBUG;
  name = '';

  debug(...msg: unknown[]): void {
    this.lines.push({ level: 'debug', args: msg });
  }
  info(...msg: unknown[]): void {
    this.lines.push({ level: 'info', args: msg });
  }
  warn(...msg: unknown[]): void {
    this.lines.push({ level: 'warn', args: msg });
  }
  error(...msg: unknown[]): void {
    this.lines.push({ level: 'error', args: msg });
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setName(name: string): void {
    this.name = name;
  }

  /** The single string each call received. */
  texts(): string[] {
    return this.lines.map(({ args }) => {
      expect(args).toHaveLength(1);
      expect(typeof args[0]).toBe('string');
      return args[0] as string;
    });
  }
}

// Made-up configured secrets that the detector alone would not flag: no digits, or a space.
const SIGNING_SECRET = 'abcdefabcdefabcdefabcdef';
const STORE_PASSWORD = 'correct horse';
// 24 characters, letters and digits mixed: the detector flags it (a made-up value, not a real secret).
const TOKEN_24 = 'aB3dE5gH7jK9mN1pQ3sT5vW7';

function setup(secrets: Array<string | undefined> = [SIGNING_SECRET, STORE_PASSWORD]): { inner: CapturingLogger; logger: RedactingLogger } {
  const inner = new CapturingLogger();
  return { inner, logger: new RedactingLogger(inner, secrets) };
}

type Format = 'text' | 'json';
const FORMATS: Format[] = ['text', 'json'];

/** One line as it was written: its level and message, and the line itself (a JSON line as written, before parsing). */
interface WrittenLine {
  level: Level;
  message: string;
  raw: string;
}

/**
 * A bot's logger writing in `format` (at debug level), and what it wrote, read
 * back the way that format writes it: a JSON line is parsed, and must be one
 * object per line.
 */
function writer(format: Format, secrets: Array<string | undefined> = [SIGNING_SECRET, STORE_PASSWORD]): { logger: RedactingLogger; lines(): WrittenLine[] } {
  if (format === 'text') {
    const { inner, logger } = setup(secrets);
    return { logger, lines: () => inner.lines.map((line, i) => ({ level: line.level, message: inner.texts()[i] as string, raw: inner.texts()[i] as string })) };
  }
  const raw: string[] = [];
  const logger = createLogger({ logFormat: 'json', logLevel: 'debug' }, secrets, { json: { write: (line) => void raw.push(line) } });
  return {
    logger,
    lines: () =>
      raw.map((line) => {
        expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
        const parsed = JSON.parse(line) as { level: Level; message: string };
        return { level: parsed.level, message: parsed.message, raw: line };
      }),
  };
}

/** The message of the one line `write` logs, in `format`; its raw line must not hold what the message had redacted either. */
function logged(write: (logger: RedactingLogger) => void, secrets?: Array<string | undefined>, format: Format = 'text'): string {
  const { logger, lines } = writer(format, secrets);
  write(logger);
  const [line, ...more] = lines();
  expect(more).toEqual([]);
  for (const secret of [...(secrets ?? [SIGNING_SECRET, STORE_PASSWORD]), TOKEN_24, 'hunter2']) if (secret && secret.length >= 4) expect(line?.raw).not.toContain(secret);
  return line?.message as string;
}

describe('RedactingLogger', () => {
  describe.each(FORMATS)('configured secrets, as %s', (format) => {
    it.each(LEVELS)('given the signing secret and store password in a %s line, when logged, then both are replaced at that level', (level) => {
      const { logger, lines } = writer(format);

      logger[level](`signing with ${SIGNING_SECRET}, store postgres://bot:${STORE_PASSWORD}@db/wfi`);

      expect(lines().map(({ level: written, message }) => ({ level: written, message }))).toEqual([
        { level, message: 'signing with [redacted], store postgres://bot:[redacted]@db/wfi' },
      ]);
      expect(lines()[0]?.raw).not.toContain(SIGNING_SECRET);
    });

    it('given a secret that occurs twice, when logged, then both are replaced', () => {
      expect(logged((l) => l.info(`${STORE_PASSWORD} / ${STORE_PASSWORD}`), undefined, format)).toBe('[redacted] / [redacted]');
    });

    it.each([
      [['swordfish', 'swordfish-royale']],
      [['swordfish-royale', 'swordfish']],
    ])('given secrets %j where one contains the other, when logged, then the longer is replaced whole', (secrets) => {
      expect(logged((l) => l.warn('before swordfish-royale after, and swordfish alone'), secrets, format)).toBe(
        'before [redacted] after, and [redacted] alone',
      );
    });

    it('given unset and very short secrets, when logged, then they are ignored rather than redacting every letter', () => {
      expect(logged((l) => l.info('a b c: all is well'), [undefined, 'a', 'b c', ''], format)).toBe('a b c: all is well');
    });

    it('given no secrets configured, when an ordinary line is logged, then it is unchanged', () => {
      expect(logged((l) => l.info('Now connected to Slack; ROT-4F7K2Q approved by U0APPROVER'), [], format)).toBe(
        'Now connected to Slack; ROT-4F7K2Q approved by U0APPROVER',
      );
    });
  });

  describe.each(FORMATS)('what the detector flags, without configuration, as %s', (format) => {
    it.each(LEVELS)('given a Slack token, an assignment and a long mixed token in a %s line, when logged, then each is replaced', (level) => {
      const { logger, lines } = writer(format, []);

      logger[level](`token xoxb-1-2 then client_secret=abc123 then ${TOKEN_24}`);

      expect(lines().map(({ level: written, message }) => ({ level: written, message }))).toEqual([
        { level, message: 'token [redacted] then client_secret=[redacted] then [redacted]' },
      ]);
      expect(lines()[0]?.raw).not.toContain(TOKEN_24);
    });
  });

  describe.each(FORMATS)('what is logged besides strings, as %s', (format) => {
    it('given several parts, when logged, then they are joined with spaces', () => {
      expect(logged((l) => l.info('rotations:', 3, 'open,', true), undefined, format)).toBe('rotations: 3 open, true');
    });

    it('given an Error, when logged, then its message is logged, redacted, without the stack', () => {
      const error = new Error(`store refused password=hunter2 for ${SIGNING_SECRET}`);

      const text = logged((l) => l.error('Could not connect:', error), undefined, format);

      expect(text).toBe('Could not connect: store refused password=[redacted] for [redacted]');
      expect(text).not.toContain(' at ');
    });

    it('given a plain object after some words, when logged, then it is written as JSON, redacted', () => {
      expect(logged((l) => l.info('state', { user: 'U0A', token: 'xoxb-9-9', count: 2 }), undefined, format)).toBe(
        'state {"user":"U0A","token":"[redacted]","count":2}',
      );
    });

    it('given an object that cannot be written as JSON (a cycle, a bigint), when logged, then it is logged without throwing', () => {
      const cycle: Record<string, unknown> = { name: 'cycle' };
      cycle.self = cycle;

      expect(logged((l) => l.info('value', cycle), undefined, format)).toBe('value [object Object]');
      expect(logged((l) => l.info('value', 10n), undefined, format)).toBe('value 10');
      expect(logged((l) => l.info('value', undefined, null), undefined, format)).toBe('value undefined null');
    });
  });

  describe.each(FORMATS)('payload dumps, as %s', (format) => {
    const PAYLOAD = JSON.stringify({ envelope_id: 'e1', payload: { event: { type: 'message', text: 'here is hunter two' } } });

    it.each([
      ['Received a message on the WebSocket: '],
      ['Unable to parse an incoming WebSocket message (will ignore): '],
      ['Sending a WebSocket message: '],
      ['Calling ack() - type: events_api, envelope_id: e1, data: '],
    ])('given %j followed by a payload, when logged, then the words are kept and the payload is not', (prefix) => {
      const text = logged((l) => l.debug(`${prefix}${PAYLOAD}`), undefined, format);

      expect(text).toBe(`${prefix}(payload omitted)`);
    });

    it('given the words and the payload as separate parts, when logged, then the payload is still cut', () => {
      expect(logged((l) => l.debug('Received a message on the WebSocket:', PAYLOAD), undefined, format)).toBe(
        'Received a message on the WebSocket: (payload omitted)',
      );
    });

    it('given a JSON line that is no Socket Mode dump (Bolt dumps bodies only in developer mode), when logged, then it is kept, redacted', () => {
      expect(logged((l) => l.debug(JSON.stringify({ kind: 'event', token: 'xoxb-1-2', user: 'U0A' })), undefined, format)).toBe(
        '{"kind":"event","token":"[redacted]","user":"U0A"}',
      );
    });

    it('given a plain object as the first part, when logged, then it is written as JSON, redacted', () => {
      expect(logged((l) => l.info({ user: 'U0A', token: 'xoxp-3-4' }, 'seen'), undefined, format)).toBe('{"user":"U0A","token":"[redacted]"} seen');
    });

    it('given the words of a dump in the middle of a line, when logged, then the line is kept', () => {
      expect(logged((l) => l.info('Not a dump: Received a message on the WebSocket: ok'), undefined, format)).toBe(
        'Not a dump: Received a message on the WebSocket: ok',
      );
    });
  });

  describe('request ids', () => {
    it('given a request\'s logger, when lines are logged through it and through the bot\'s, then only its lines carry the id, redacted alike', () => {
      const { inner, logger } = setup();
      const request = logger.forRequest('ab12cd34');

      logger.info('before');
      request.info('first');
      request.warn(`then, ${STORE_PASSWORD}`);
      logger.info('outside');

      expect(inner.texts()).toEqual(['before', '[request ab12cd34] first', '[request ab12cd34] then, [redacted]', 'outside']);
      expect(inner.lines.map((l) => l.level)).toEqual(['info', 'info', 'warn', 'info']);
    });

    it('given two requests logging in turns, then each line carries its own id', async () => {
      const { inner, logger } = setup();
      const work = (id: string, step: number) => async () => {
        const log = logger.forRequest(id);
        for (let i = 0; i < 3; i += 1) {
          log.info(`step ${i}`);
          await new Promise((resolve) => setTimeout(resolve, step));
        }
      };

      await Promise.all([work('aaaa1111', 3)(), work('bbbb2222', 5)()]);

      const texts = inner.texts();
      expect(texts.filter((t) => t.startsWith('[request aaaa1111] '))).toEqual(['step 0', 'step 1', 'step 2'].map((s) => `[request aaaa1111] ${s}`));
      expect(texts.filter((t) => t.startsWith('[request bbbb2222] '))).toEqual(['step 0', 'step 1', 'step 2'].map((s) => `[request bbbb2222] ${s}`));
      expect(texts).toHaveLength(6);
    });

    it('given a request\'s logger, when the level is warn, then its debug and info lines are dropped, its errors never, and it reports the bot\'s level', () => {
      const { inner, logger } = setup();
      logger.setLevel(LogLevel.WARN);
      const request = logger.forRequest('cafe0042');

      request.debug('d');
      request.info('i');
      request.warn('w');
      request.error('e');

      expect(inner.texts()).toEqual(['[request cafe0042] w', '[request cafe0042] e']);
      expect(request.getLevel()).toBe(LogLevel.WARN);
      expect(logger.shows('info')).toBe(false);
      expect(logger.shows('warn')).toBe(true);
    });

    it('given new request ids, when made, then each is 8 hex digits and they differ', () => {
      const ids = Array.from({ length: 2000 }, () => newRequestId());

      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe('as JSON lines (LOG_FORMAT=json)', () => {
    it('given a request\'s line, when logged, then it is one object with time, level, message and the request id as a field, not a prefix', () => {
      const { logger, lines } = writer('json');

      logger.forRequest('ab12cd34').warn('Ignored a click without a trigger_id');

      const [line] = lines();
      expect(JSON.parse(line?.raw as string)).toEqual({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        level: 'warn',
        requestId: 'ab12cd34',
        message: 'Ignored a click without a trigger_id',
      });
    });

    it.each([
      ['a rotation id', 'ROT-4F7K2Q: the follow-up of its last change was completed', { rotationId: 'ROT-4F7K2Q' }],
      ["the Web client's call", "apiCall('chat.postMessage') end", { slackMethod: 'chat.postMessage' }],
      ['a URL under the Web API', 'http request url: https://slack.com/api/usergroups.users.list', { slackMethod: 'usergroups.users.list' }],
      ['a bare method name', 'Reminder ROT-4F7K2Q|x: views.publish refused', { rotationId: 'ROT-4F7K2Q', slackMethod: 'views.publish' }],
      ['the request id in the text of Bolt\'s error handler', 'Unhandled error in a listener (request 0badf00d, block_actions x): boom', { requestId: '0badf00d' }],
      ['an instance host, which is no method', 'instance https://chat.wfi.pega.com is fine', {}],
      ['an id of the wrong alphabet (O, 0)', 'ROT-OOOOOO and ROT-000000', {}],
    ])('given a line naming %s, when logged, then its fields say so', (_what, text, fields) => {
      const { logger, lines } = writer('json');

      logger.info(text);

      const { time: _time, level: _level, message, ...rest } = JSON.parse(lines()[0]?.raw as string) as Record<string, unknown>;
      expect(message).toBe(text);
      expect(rest).toEqual(fields);
    });

    it('given a rotation id and a method inside a redacted secret, when logged, then neither field is read from what was redacted', () => {
      expect(lineFields('[redacted] then ROT-4F7K2Q')).toEqual({ rotationId: 'ROT-4F7K2Q' });
      const { logger, lines } = writer('json', ['ROT-4F7K2Q-chat.postMessage-secret']);

      logger.info('leaked ROT-4F7K2Q-chat.postMessage-secret');

      expect(JSON.parse(lines()[0]?.raw as string)).toEqual({ time: expect.any(String), level: 'info', message: 'leaked [redacted]' });
    });

    it('given the level warn, when a line is logged at each level, then only warn and error are written, as JSON', () => {
      const raw: string[] = [];
      const logger = createLogger({ logFormat: 'json', logLevel: 'warn' }, [], { json: { write: (line) => void raw.push(line) } });

      for (const each of LEVELS) logger[each](`a ${each} line`);

      expect(raw.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['warn', 'error']);
      expect(logger.getLevel()).toBe(LogLevel.WARN);
    });

    it('given the text format (the default), when created, then lines are the text they always were, request id as a prefix', () => {
      const inner = new CapturingLogger();
      const logger = createLogger({ logFormat: 'text', logLevel: 'info' }, [SIGNING_SECRET], { text: inner });

      logger.forRequest('ab12cd34').info(`signed with ${SIGNING_SECRET}`);
      logger.debug('hidden at info');

      expect(inner.texts()).toEqual(['[request ab12cd34] signed with [redacted]']);
    });
  });

  describe('the Socket Mode client\'s lines', () => {
    it('given the two errors the client logs when its connection drops, when logged, then one info line says it reconnects, and no error is left', () => {
      const { inner, logger } = setup();
      const socketMode = new SocketModeLogger(logger);

      socketMode.error('WebSocket error occurred: ');
      socketMode.error('WebSocket error! SMWebsocketError');

      expect(inner.lines.map((line) => line.level)).toEqual(['info', 'debug']);
      expect(inner.texts()[0]).toBe('Socket Mode: the connection to Slack dropped (closed without a close frame); reconnecting');
    });

    it('given a drop with a reason, when logged, then the reason is kept', () => {
      const { inner, logger } = setup();

      new SocketModeLogger(logger).error('WebSocket error occurred: read ECONNRESET');

      expect(inner.lines).toEqual([{ level: 'info', args: ['Socket Mode: the connection to Slack dropped (read ECONNRESET); reconnecting'] }]);
    });

    it.each([['Failed to retrieve a new WSS URL (error: Error: invalid_auth)'], ['Failed to send a message as the client is not connected']])(
      'given another error of the client (%s), when logged, then it stays an error',
      (line) => {
        const { inner, logger } = setup();

        new SocketModeLogger(logger).error(line);

        expect(inner.lines).toEqual([{ level: 'error', args: [line] }]);
      },
    );

    it('given the other levels, the level and the name, when used, then they reach the bot\'s logger as they are', () => {
      const { inner, logger } = setup();
      const socketMode = new SocketModeLogger(logger);

      socketMode.setLevel(LogLevel.DEBUG);
      socketMode.debug('d');
      socketMode.info('i');
      socketMode.warn('w');
      socketMode.setName('socket-mode');

      expect(inner.lines).toEqual([
        { level: 'debug', args: ['d'] },
        { level: 'info', args: ['i'] },
        { level: 'warn', args: ['w'] },
      ]);
      expect(socketMode.getLevel()).toBe(LogLevel.DEBUG);
      expect(inner.name).toBe('socket-mode');
    });
  });

  describe('levels and name', () => {
    it.each([
      [LogLevel.DEBUG, ['debug', 'info', 'warn', 'error']],
      [LogLevel.INFO, ['info', 'warn', 'error']],
      [LogLevel.WARN, ['warn', 'error']],
      [LogLevel.ERROR, ['error']],
    ])('given the level %s, when a line is logged at each level, then only those at or above it reach the logger underneath', (level, shown) => {
      const { inner, logger } = setup();
      logger.setLevel(level);

      for (const each of LEVELS) logger[each](`a ${each} line`);

      expect(inner.lines.map((line) => line.level)).toEqual(shown);
    });

    it('given a level above debug, when a debug line is logged, then it is not even turned into text', () => {
      const { inner, logger } = setup();
      logger.setLevel(LogLevel.INFO);
      const costly = { toJSON: jest.fn(() => 'payload') };

      logger.debug('body:', costly);

      expect(costly.toJSON).not.toHaveBeenCalled();
      expect(inner.lines).toEqual([]);
    });

    it('given a level set, when read back, then both go to the logger underneath', () => {
      const { inner, logger } = setup();

      logger.setLevel(LogLevel.DEBUG);

      expect(inner.level).toBe(LogLevel.DEBUG);
      inner.level = LogLevel.ERROR;
      expect(logger.getLevel()).toBe(LogLevel.ERROR);
    });

    it('given a name set, when set, then the logger underneath gets it', () => {
      const { inner, logger } = setup();

      logger.setName('wfi-rotate');

      expect(inner.name).toBe('wfi-rotate');
    });
  });
});

describe('redactLine', () => {
  it('given configured secrets and detector-flagged text, when redacted, then both are replaced', () => {
    expect(redactLine(`could not start: ${SIGNING_SECRET} rejected, token xoxb-1-2`, [SIGNING_SECRET])).toBe(
      'could not start: [redacted] rejected, token [redacted]',
    );
  });

  it('given the longer secret listed last, when redacted, then it is still replaced whole', () => {
    expect(redactLine('swordfish-royale', ['swordfish', 'swordfish-royale'])).toBe('[redacted]');
  });

  it('given no secrets, when an ordinary line is redacted, then it is unchanged', () => {
    expect(redactLine('wfi-rotate could not start: WFI_APPROVERS is empty', [undefined])).toBe('wfi-rotate could not start: WFI_APPROVERS is empty');
  });
});
