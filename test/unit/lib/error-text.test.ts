import { causeOf, redactUrl, tellingError } from '../../../src/lib/error-text';

describe('causeOf', () => {
  it('reads through the Web API client and fetch to the socket’s own words', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3999'), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', { cause: socket });
    const client = Object.assign(new Error('A request error occurred: fetch failed'), { code: 'slack_webapi_request_error', original: fetchFailed });
    expect(causeOf(client)).toBe('connect ECONNREFUSED 127.0.0.1:3999');
  });

  it('reads the first address of a connect that failed on each (localhost is ::1 and 127.0.0.1)', () => {
    const each = new AggregateError([new Error('connect ECONNREFUSED ::1:6379'), new Error('connect ECONNREFUSED 127.0.0.1:6379')], '');
    expect(causeOf(Object.assign(each, { code: 'ECONNREFUSED' }))).toBe('connect ECONNREFUSED ::1:6379');
  });

  it('stops at an error that explains its cause already, and skips links that say nothing', () => {
    const inner = new Error('ENOENT: no such file or directory');
    const explained = new Error('cannot create the directory /x (ENOENT: no such file or directory)', { cause: inner });
    expect(causeOf(new Error('wrapper', { cause: explained }), (e) => e === explained)).toBe(explained.message);
    expect(causeOf(new Error('outer', { cause: new Error('') }))).toBe('outer');
    expect(causeOf(Object.assign(new Error(''), { code: 'EPIPE' }))).toBe('EPIPE');
    expect(causeOf('a string')).toBe('a string');
  });

  it('keeps a message on one line, and survives a cycle', () => {
    const a = new Error('first line\n   second line');
    expect(causeOf(a)).toBe('first line second line');
    const b: Error & { cause?: unknown } = new Error('b');
    const c = new Error('c', { cause: b });
    b.cause = c;
    expect(['b', 'c']).toContain(causeOf(b));
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://wfi:s3cr%40t@db.internal:5432/wfi', 'postgres://wfi:***@db.internal:5432/wfi'],
    ['redis://:s3cret@cache:6379', 'redis://:***@cache:6379'],
    ['rediss://default:pw@cache:6380/2', 'rediss://default:***@cache:6380/2'],
    // A password typed with a raw @ or / in it is hidden whole.
    ['postgres://wfi:p@ss/w0rd@db/wfi', 'postgres://wfi:***@db/wfi'],
    ['postgres://wfi@db/wfi', 'postgres://wfi@db/wfi'],
    ['postgres://db/wfi?application_name=a@b', 'postgres://db/wfi?application_name=a@b'],
    ['sqlite://data/store.sqlite', 'sqlite://data/store.sqlite'],
    ['sqlite:///srv/a@b.sqlite', 'sqlite:///srv/a@b.sqlite'],
    ['mysql://x', 'mysql://x'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, printed) => {
    expect(redactUrl(url)).toBe(printed);
  });
});

describe('tellingError', () => {
  const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
  const timedOut = new Error('Redis timed out after 2000ms');

  it('keeps the reason over a later "time ran out", and takes any later reason', () => {
    expect(tellingError(refused, timedOut)).toBe(refused);
    expect(tellingError(undefined, timedOut)).toBe(timedOut);
    const wrongPassword = new Error('WRONGPASS invalid username-password pair');
    expect(tellingError(refused, wrongPassword)).toBe(wrongPassword);
    expect(tellingError(timedOut, refused)).toBe(refused);
  });
});
