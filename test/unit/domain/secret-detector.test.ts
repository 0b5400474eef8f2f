import { linkLooksLikeSecret, looksLikeSecret, redactSecrets, SECRET_REFUSAL } from '../../../src/domain/secret-detector';

// 24 characters, letters and digits mixed (a made-up value, not a real secret).
const TOKEN_24 = 'aB3dE5gH7jK9mN1pQ3sT5vW7';

describe('looksLikeSecret', () => {
  it('given the sample token, when measured, then it is 24 characters (the threshold)', () => {
    expect(TOKEN_24).toHaveLength(24);
  });

  describe('assignments are secrets', () => {
    it.each([
      ['client_secret=abc', 'client_secret='],
      ['CLIENT_SECRET = abc', 'upper case, spaces around ='],
      ['client-secret: abc', 'client-secret:'],
      ['clientSecret=abc', 'camel case'],
      ['secret: abc', 'secret:'],
      ['Secret:abc', 'secret: without a space'],
      ['password=hunter2', 'password='],
      ['Password: hunter2', 'Password:'],
      ['passwd=hunter2', 'passwd='],
      ['pwd=hunter2', 'pwd='],
      ['here it is: password = "x"', 'inside prose, quoted value'],
      ['db_password=hunter2', 'password= after an underscore-joined prefix'],
      ['WFI_CLIENT_SECRET=abc', 'an environment variable'],
      ['{"client_secret": "abc"}', 'a JSON key'],
      ["password: 'abc'", 'a YAML entry'],
    ])('given %j (%s), when checked, then it looks like a secret', (text) => {
      expect(looksLikeSecret(text)).toBe(true);
    });
  });

  describe('long mixed tokens are secrets', () => {
    it.each([
      [TOKEN_24, 'alone'],
      [`the new one is ${TOKEN_24} thanks`, 'inside prose'],
      [`"${TOKEN_24}"`, 'in double quotes'],
      [`'${TOKEN_24}'`, 'in single quotes'],
      [`\`${TOKEN_24}\``, 'in backticks'],
      [`(${TOKEN_24}).`, 'in brackets, then a full stop'],
      [`use ${TOKEN_24}, then rotate`, 'followed by a comma'],
      [`first line\n${TOKEN_24}\nlast line`, 'on its own line'],
      ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5+/==', 'base64 with + / ='],
      ['wfi_3xampl3-t0k3n_value_abc', 'with _ and -'],
      ['D3F1A2B4C5D6E7F8091A2B3C4D5E6F70', 'upper-case hex that starts like a Slack ID'],
      ['GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'upper-case base32 that starts like a Slack ID'],
      ['A3F1A2B4C5D6E7F8091A2B3C4D5E6F70', 'upper-case hex'],
    ])('given %j (%s), when checked, then it looks like a secret', (text) => {
      expect(looksLikeSecret(text)).toBe(true);
    });
  });

  describe('not secrets', () => {
    it.each([
      ['', 'empty text'],
      ['Please rotate before the audit on 2026-03-20; contact Jane (ext. 4711) or see case INC-123456.', 'ordinary prose'],
      ['The secret is handed over in the meeting', 'the word secret without an assignment'],
      ['Ask the secretary: she has the calendar', 'secretary:'],
      ['password reset is done by IT', 'the word password without an assignment'],
      ['https://acme.wfi.pega.com/prweb/app/default/aB3dE5gH7jK9mN1pQ3sT5vW7xY9', 'a URL with a long mixed path'],
      [`https://example.com/callback?code=${TOKEN_24}`, 'a URL with a long mixed query value'],
      ['<https://acme.wfi.pega.com/prweb/PRAuth/abcdef1234567890abcdef>', 'a URL as Slack wraps it'],
      ['U0123ABCD', 'a Slack user ID'],
      ['<@W0123ABCDEF> and <#C0123ABCD|wfi-ops>', 'Slack mentions'],
      ['U0123ABCD,U0456EFGH,U0789JKMN', 'a comma-separated list of Slack IDs'],
      ['INC-123456', 'a case number'],
      ['CASE-12345678901234567890', 'a 25-character case number'],
      ['Antidisestablishmentarianism', 'a long word without digits'],
      ['supercalifragilisticexpialidocious_and_more', 'a long identifier without digits'],
      ['123456789012345678901234', 'digits only'],
      [TOKEN_24.slice(0, 23), 'a 23-character mixed token'],
      [`"${TOKEN_24.slice(0, 23)}"`, 'a quoted 23-character mixed token'],
    ])('given %j (%s), when checked, then it does not look like a secret', (text) => {
      expect(looksLikeSecret(text)).toBe(false);
    });
  });
});

describe('SECRET_REFUSAL', () => {
  it('given the refusal, when read, then it says why and what to do instead', () => {
    expect(SECRET_REFUSAL).toMatch(/never shared in Slack/);
    expect(SECRET_REFUSAL).toMatch(/meeting/);
    expect(SECRET_REFUSAL).toMatch(/Remove it/);
    expect(SECRET_REFUSAL).toMatch(/request a fresh rotation/);
  });
});

describe('linkLooksLikeSecret', () => {
  const WEBEX = 'https://acme.webex.com/acme/j.php?MTID=m8f2c1e4b7a9d3f6e0b5c8a2d4f7e1b3c';
  const ZOOM = 'https://us02web.zoom.us/j/81234567890?pwd=aBcDeF1234567890GhIjKlMnOpQrStUv.1';
  const TEAMS =
    'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjE0YzQ1ZjYtMDg4Ni00ZGQ5LWI0MDYtYjc5YmQ4ZWI1MzM2%40thread.v2/0' +
    '?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d%22%7d';

  describe('meeting join links are not secrets', () => {
    it.each([
      [WEBEX, 'a Webex link with a long mixed MTID token'],
      [`${WEBEX}&pwd=Xy7pQ2mNa8Rt`, 'a Webex link with a pwd= passcode'],
      [`${WEBEX}&PWD=Xy7pQ2mNa8Rt`, 'a Webex link with an upper-case PWD= passcode'],
      [ZOOM, 'a Zoom link with ?pwd='],
      ['https://zoom.us/j/81234567890?passcode=482913', 'a Zoom link with ?passcode='],
      [TEAMS, 'a Teams link with a %-encoded thread id and context'],
      ['https://acme.webex.com/meet/handoff', 'a personal room link'],
      [`https://example.com/callback?code=${TOKEN_24}`, 'a long mixed query value that is no assignment'],
      ['https://user@acme.webex.com/meet/handoff', 'a user name without a password'],
    ])('given %j (%s), when checked, then it is not a secret', (link) => {
      expect(linkLooksLikeSecret(link)).toBe(false);
    });

    it('given a Zoom link, when checked as free text, then pwd= would refuse it; as a link, it passes', () => {
      expect(looksLikeSecret(ZOOM)).toBe(true);
      expect(linkLooksLikeSecret(ZOOM)).toBe(false);
    });
  });

  describe('links that carry a secret', () => {
    it.each([
      [`${WEBEX}&client_secret=abc123`, 'a client_secret= parameter beside a meeting id'],
      ['https://example.com/callback?secret=abc', 'a secret= parameter'],
      ['https://example.com/callback?password=hunter2', 'a password= parameter'],
      ['https://example.com/callback?Password=hunter2', 'a Password= parameter, capitalised'],
      ['https://example.com/callback?db_password=hunter2', 'a parameter ending in _password'],
      ['https://example.com/callback?pwd=abc&secret=def', 'a secret beside a meeting passcode'],
      ['https://u:p@example.com/', 'a password in the userinfo'],
      ['https://svc:hunter2@acme.webex.com/meet/handoff', 'a password in the userinfo of a meeting link'],
      ['https://example.com/a?next=%2Fb%3Fpassword%3Dx', 'an encoded assignment inside another parameter'],
      ['https://example.com/login/password=hunter2', 'an assignment in the path'],
      ['https://example.com/a%2Fpassword%3Dhunter2', 'an encoded assignment in the path'],
      ['https://example.com/callback#client_secret=abc', 'an assignment in the fragment'],
    ])('given %j (%s), when checked, then it is a secret', (link) => {
      expect(linkLooksLikeSecret(link)).toBe(true);
    });
  });

  describe('text that is not a URL falls back to looksLikeSecret', () => {
    it.each([
      [TOKEN_24, true],
      [`join with ${TOKEN_24}`, true],
      ['client_secret=abc', true],
      ['acme.webex.com/meet/handoff', false],
      ['ask Jane for the link', false],
      ['', false],
    ])('given %j, when checked, then it is %s, as looksLikeSecret says', (text, expected) => {
      expect(linkLooksLikeSecret(text)).toBe(expected);
      expect(looksLikeSecret(text)).toBe(expected);
    });
  });
});

describe('redactSecrets', () => {
  it.each([
    ['password: "correct horse battery staple" ok', 'password: [redacted] ok', 'a double-quoted passphrase'],
    ["secret = 'two words' ok", 'secret = [redacted] ok', 'a single-quoted value'],
    ['{"client_secret": "abc def", "x": 1}', '{"client_secret": [redacted], "x": 1}', 'a JSON value with a space'],
  ])('given %j, when redacted, then the whole quoted value is gone (%s)', (line, expected) => {
    expect(redactSecrets(line)).toBe(expected);
  });

  describe('Slack tokens of any length', () => {
    it.each([
      ['xoxb-1', 'a short bot token'],
      ['xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'a bot token'],
      ['xoxp-123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef', 'a user token'],
      ['xapp-1-A0123ABCD-1234567890123-0123456789abcdef', 'an app-level token'],
      ['xoxe-1-abc', 'a refresh token'],
    ])('given %j (%s) in a line, when redacted, then it is gone', (token) => {
      expect(redactSecrets(`connecting with ${token} now`)).toBe('connecting with [redacted] now');
    });

    it('given two tokens in one line, when redacted, then both are gone', () => {
      expect(redactSecrets('bot xoxb-1-2 app xapp-3-4')).toBe('bot [redacted] app [redacted]');
    });
  });

  describe('assignments keep their key and lose their value', () => {
    it.each([
      ['client_secret=abc123', 'client_secret=[redacted]'],
      ['the password is set, password = hunter2, done', 'the password is set, password = [redacted], done'],
      ['WFI_CLIENT_SECRET=abc123', 'WFI_CLIENT_SECRET=[redacted]'],
      ['password: hunter2', 'password: [redacted]'],
      ['url=https://x.example/cb?a=1&pwd=abc&b=2', 'url=https://x.example/cb?a=1&pwd=[redacted]&b=2'],
      ['secret=one; passwd=two', 'secret=[redacted]; passwd=[redacted]'],
    ])('given %j, when redacted, then it reads %j', (text, expected) => {
      expect(redactSecrets(text)).toBe(expected);
    });

    it.each([
      ['{"client_secret": "abc123", "user": "jane"}', 'client_secret": [redacted]', 'abc123'],
      ["password: 'hunter2'", 'password: [redacted]', 'hunter2'],
      ['db_password="hunter2"', 'db_password=[redacted]', 'hunter2'],
    ])('given the quoted value in %j, when redacted, then the key stays and the value is gone', (text, kept, gone) => {
      const redacted = redactSecrets(text);
      expect(redacted).toContain(kept);
      expect(redacted).not.toContain(gone);
    });

    it('given a JSON object, when redacted, then the other fields are kept', () => {
      expect(redactSecrets('{"client_secret": "abc123", "user": "jane"}')).toContain('"user": "jane"');
    });
  });

  describe('long mixed tokens', () => {
    it.each([
      [TOKEN_24, '[redacted]'],
      [`the new one is ${TOKEN_24} thanks`, 'the new one is [redacted] thanks'],
      [`("${TOKEN_24}").`, '("[redacted]").'],
      ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5+/==', '[redacted]'],
    ])('given %j, when redacted, then it reads %j', (text, expected) => {
      expect(redactSecrets(text)).toBe(expected);
    });
  });

  describe('left untouched', () => {
    it.each([
      ['', 'empty text'],
      ['Please rotate before the audit on 2026-03-20; contact Jane (ext. 4711) or see case INC-123456.', 'ordinary prose'],
      ['ROT-4F7K2Q approved by <@U0123ABCD> in <#C0123ABCD|wfi-ops> at 2026-02-21T10:00:00.000Z', 'ids, mentions and an instant'],
      ['U0123ABCD W0123ABCDEF C0123ABCD', 'Slack IDs'],
      ['CASE-12345678901234567890', 'a 25-character case number'],
      ['supercalifragilisticexpialidocious_and_more', 'a long identifier without digits'],
      ['123456789012345678901234', 'digits only'],
      [TOKEN_24.slice(0, 23), 'a 23-character mixed token'],
      ['The secret is handed over in the meeting; password reset is done by IT', 'the words secret and password'],
      ['ok, no, 42, a-b', 'short words'],
    ])('given %j (%s), when redacted, then it is unchanged', (text) => {
      expect(redactSecrets(text)).toBe(text);
    });
  });

  it('given a line already redacted, when redacted again, then it is unchanged', () => {
    const once = redactSecrets(`token xoxb-1-2, client_secret=abc123 and ${TOKEN_24}`);

    expect(once).toBe('token [redacted], client_secret=[redacted] and [redacted]');
    expect(redactSecrets(once)).toBe(once);
  });
});
