import { looksLikeSecret, SECRET_REFUSAL } from '../../../src/domain/secret-detector';

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
