import { LogLevel, type Logger } from '@slack/bolt';
import { newRequestId, redactLine, RedactingLogger } from '../../src/logging';

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

function logged(write: (logger: RedactingLogger) => void, secrets?: Array<string | undefined>): string {
  const { inner, logger } = setup(secrets);
  write(logger);
  const [text, ...more] = inner.texts();
  expect(more).toEqual([]);
  return text as string;
}

describe('RedactingLogger', () => {
  describe('configured secrets', () => {
    it.each(LEVELS)('given the signing secret and store password in a %s line, when logged, then both are replaced at that level', (level) => {
      const { inner, logger } = setup();

      logger[level](`signing with ${SIGNING_SECRET}, store postgres://bot:${STORE_PASSWORD}@db/wfi`);

      expect(inner.lines).toEqual([{ level, args: ['signing with [redacted], store postgres://bot:[redacted]@db/wfi'] }]);
    });

    it('given a secret that occurs twice, when logged, then both are replaced', () => {
      expect(logged((l) => l.info(`${STORE_PASSWORD} / ${STORE_PASSWORD}`))).toBe('[redacted] / [redacted]');
    });

    it.each([
      [['swordfish', 'swordfish-royale']],
      [['swordfish-royale', 'swordfish']],
    ])('given secrets %j where one contains the other, when logged, then the longer is replaced whole', (secrets) => {
      expect(logged((l) => l.warn('before swordfish-royale after, and swordfish alone'), secrets)).toBe(
        'before [redacted] after, and [redacted] alone',
      );
    });

    it('given unset and very short secrets, when logged, then they are ignored rather than redacting every letter', () => {
      expect(logged((l) => l.info('a b c: all is well'), [undefined, 'a', 'b c', ''])).toBe('a b c: all is well');
    });

    it('given no secrets configured, when an ordinary line is logged, then it is unchanged', () => {
      expect(logged((l) => l.info('Now connected to Slack; ROT-4F7K2Q approved by U0APPROVER'), [])).toBe(
        'Now connected to Slack; ROT-4F7K2Q approved by U0APPROVER',
      );
    });
  });

  describe('what the detector flags, without configuration', () => {
    it.each(LEVELS)('given a Slack token, an assignment and a long mixed token in a %s line, when logged, then each is replaced', (level) => {
      const { inner, logger } = setup([]);

      logger[level](`token xoxb-1-2 then client_secret=abc123 then ${TOKEN_24}`);

      expect(inner.lines).toEqual([{ level, args: ['token [redacted] then client_secret=[redacted] then [redacted]'] }]);
    });
  });

  describe('what is logged besides strings', () => {
    it('given several parts, when logged, then they are joined with spaces', () => {
      expect(logged((l) => l.info('rotations:', 3, 'open,', true))).toBe('rotations: 3 open, true');
    });

    it('given an Error, when logged, then its message is logged, redacted, without the stack', () => {
      const error = new Error(`store refused password=hunter2 for ${SIGNING_SECRET}`);

      const text = logged((l) => l.error('Could not connect:', error));

      expect(text).toBe('Could not connect: store refused password=[redacted] for [redacted]');
      expect(text).not.toContain(' at ');
    });

    it('given a plain object after some words, when logged, then it is written as JSON, redacted', () => {
      expect(logged((l) => l.info('state', { user: 'U0A', token: 'xoxb-9-9', count: 2 }))).toBe(
        'state {"user":"U0A","token":"[redacted]","count":2}',
      );
    });

    it('given an object that cannot be written as JSON (a cycle, a bigint), when logged, then it is logged without throwing', () => {
      const cycle: Record<string, unknown> = { name: 'cycle' };
      cycle.self = cycle;

      expect(logged((l) => l.info('value', cycle))).toBe('value [object Object]');
      expect(logged((l) => l.info('value', 10n))).toBe('value 10');
      expect(logged((l) => l.info('value', undefined, null))).toBe('value undefined null');
    });
  });

  describe('payload dumps', () => {
    const PAYLOAD = JSON.stringify({ envelope_id: 'e1', payload: { event: { type: 'message', text: 'here is hunter two' } } });

    it.each([
      ['Received a message on the WebSocket: '],
      ['Unable to parse an incoming WebSocket message (will ignore): '],
      ['Sending a WebSocket message: '],
      ['Calling ack() - type: events_api, envelope_id: e1, data: '],
    ])('given %j followed by a payload, when logged, then the words are kept and the payload is not', (prefix) => {
      const text = logged((l) => l.debug(`${prefix}${PAYLOAD}`));

      expect(text).toBe(`${prefix}(payload omitted)`);
    });

    it('given the words and the payload as separate parts, when logged, then the payload is still cut', () => {
      expect(logged((l) => l.debug('Received a message on the WebSocket:', PAYLOAD))).toBe('Received a message on the WebSocket: (payload omitted)');
    });

    it('given a JSON line that is no Socket Mode dump (Bolt dumps bodies only in developer mode), when logged, then it is kept, redacted', () => {
      expect(logged((l) => l.debug(JSON.stringify({ kind: 'event', token: 'xoxb-1-2', user: 'U0A' })))).toBe(
        '{"kind":"event","token":"[redacted]","user":"U0A"}',
      );
    });

    it('given a plain object as the first part, when logged, then it is written as JSON, redacted', () => {
      expect(logged((l) => l.info({ user: 'U0A', token: 'xoxp-3-4' }, 'seen'))).toBe('{"user":"U0A","token":"[redacted]"} seen');
    });

    it('given the words of a dump in the middle of a line, when logged, then the line is kept', () => {
      expect(logged((l) => l.info('Not a dump: Received a message on the WebSocket: ok'))).toBe('Not a dump: Received a message on the WebSocket: ok');
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
