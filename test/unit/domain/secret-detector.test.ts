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

describe('looksLikeSecret after normalising what people type', () => {
  // A made-up, real-looking 24-character secret, and its halves.
  const S = 'Zq8vN3kT5wR7yB2mC9xL4pD6';
  const [HEAD, TAIL] = [S.slice(0, 12), S.slice(12)];
  const inside = (mark: string) => `${S.slice(0, 10)}${mark}${S.slice(10)}`;
  const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

  describe('bypasses found in review, and their kin: refused', () => {
    it.each([
      [`*${S}*`, 'in mrkdwn bold'],
      [`~${S}~`, 'in mrkdwn strike-through'],
      [`_${S}_`, 'in mrkdwn italics'],
      [`*_${S}_*`, 'in bold italics'],
      [`\`${S}\``, 'in backticks'],
      [`\`\`\`${S}\`\`\``, 'in a code block'],
      [`"${S}".`, 'in double quotes, then a full stop'],
      [`'${S}',`, 'in single quotes, then a comma'],
      [`[${S}]`, 'in square brackets'],
      [`the new one: ${S}.`, 'ending a sentence'],
      [`token:${S}`, 'after token:'],
      [`api_key=${S}`, 'after api_key='],
      [`{"token":"${S}"}`, 'as a JSON value'],
      [inside('\u200b'), 'with a zero-width space inside'],
      [`${S}\u200b`, 'with a zero-width space after it'],
      [inside('\u200d'), 'with a zero-width joiner inside'],
      [inside('\u2060'), 'with a word joiner inside'],
      [inside('\u00ad'), 'with a soft hyphen inside'],
      [inside('\u200e'), 'with a left-to-right mark inside'],
      [`\ufeff${S}`, 'after a byte-order mark'],
      [S.replace(/(....)/g, '$1\u200b'), 'with a zero-width space after every fourth character'],
      [S.replace(/./g, '$&\u0336'), 'struck through with combining marks, as text generators do'],
      [`${S.slice(0, 10)}\u0301${S.slice(10)}`, 'with an accent stacked on one character'],
      [`${HEAD} ${TAIL}`, 'split in two by a space'],
      [`${HEAD}.${TAIL}`, 'split in two by a full stop'],
      [`${HEAD}\u00a0${TAIL}`, 'split in two by a no-break space'],
      [`here: ${S.slice(0, 8)} ${S.slice(8, 16)} ${S.slice(16)} thanks`, 'split in three by spaces, inside prose'],
      [`*${HEAD}* *${TAIL}*`, 'split in two, each half in bold'],
      ['abcd1234efgh.5678ijkl9012mnop', 'a dotted secret'],
      [`<https://x.example|${S}>`, "as the label of Slack's link wrapper"],
      [`see <https://x.example|the ${HEAD} ${TAIL}>`, 'split, as the label of a link wrapper'],
      [`<${S}>`, 'in angle brackets'],
      [`secret：${S}`, 'after secret with a full-width colon'],
      ['password＝hunter2', 'password with a full-width equals sign'],
      [`${fullWidth('client_secret')}=abc`, 'a full-width client_secret key'],
      ['client_secret\u200b=abc', 'a zero-width space before ='],
      ['*client_secret*: abc', 'a bold key'],
      [fullWidth(S), 'in full-width letters and digits'],
      ['dGhpcyBpcyBub3Q+YS9zZWNyZXQ/Zm9vYmFy=', 'base64 with + / ='],
      ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'a 40-hex value (a git SHA or a GitHub OAuth client secret)'],
      [`https://${S}.example.com/`, 'as a link host'],
      [`https://${S}@acme.webex.com/meet/handoff`, 'as the user name of a link'],
      [`callback https://x.example/cb?access_token=${HEAD}`, 'a link with access_token= in prose'],
      [`<https://x.example/cb?token=abc|the callback>`, 'a wrapped link with token='],
      ['<https://x.example/cb?token=x>', 'a wrapped link without a label, judged to its last character (token=x)'],
      [`<#C0123ABCD|${S}>`, 'as the label of a channel mention (the label is text)'],
      [`${S}_`, 'with one underscore after it (italics take a pair)'],
      [`_${S}`, 'with one underscore before it'],
    ])('given %j (%s), when checked, then it looks like a secret', (text) => {
      expect(looksLikeSecret(text)).toBe(true);
    });
  });

  describe('innocent text: passes', () => {
    it.each([
      ['123e4567-e89b-12d3-a456-426614174000', 'a UUID (the client id looks like one)'],
      ['client id 123e4567-e89b-12d3-a456-426614174000 for Production', 'the client id in prose'],
      ['ROT-4F7K2Q ROT-8H3J4K ROT-9P2Q3R', 'a list of rotation ids'],
      ['_ROT-4F7K2Q_ and *ROT-8H3J4K*', 'rotation ids in mrkdwn'],
      ['CS-0123456, INC0012345 and SR-2026-000123', 'case numbers'],
      ['CS-0123456 INC0012345 SR-2026-000123 CASE #12345', 'case numbers, space-separated'],
      ['2026-03-20, 2026-03-20T10:00:00.000Z and 20260320T100000Z', 'dates and instants'],
      ['v2.14.3-rc1 on node 20.11.1, build 1.2.3.4', 'versions'],
      ['acme-prod-eu-west-1-instance01.wfi.pega.com and ip-10-0-12-7.eu-west-1.compute.internal', 'host names'],
      ['https://acme.wfi.pega.com', 'an instance URL'],
      ['Join: https://acme.webex.com/acme/j.php?MTID=m8f2c1e4b7a9d3f6e0b5c8a2d4f7e1b3c', 'a Webex join link in prose'],
      ['Zoom: https://us02web.zoom.us/j/81234567890?pwd=aBcDeF1234567890GhIjKlMnOpQrStUv.1 at 10:00', 'a Zoom join link with its passcode'],
      [
        'Teams: https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjE0YzQ1ZjYtMDg4Ni00ZGQ5LWI0MDYtYjc5YmQ4ZWI1MzM2%40thread.v2/0' +
          '?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%7d',
        'a Teams join link',
      ],
      ['<https://acme.webex.com/acme/j.php?MTID=m8f2c1e4b7a9d3f6e0b5c8a2d4f7e1b3c|Join the handoff>', 'a wrapped Webex link'],
      ['<http://acme.webex.com/meet/handoff|acme.webex.com/meet/handoff>', 'a link Slack wrapped for a host typed without a scheme'],
      ['<@U0ABCDEF12> please attend', 'a user mention'],
      ['see <#C0123ABCD|security> and ask <!subteam^S0123ABCD|@wfi-admins> or <!here>', 'channel, group and here mentions'],
      ['Production environment2024 is due', 'a word with a year in it'],
      ['rotate every 90 days for 3 instances', 'a sentence with numbers'],
      ['fixed in 3f9e2a1 and a1b2c3d4e5f6', 'short commit hashes (7 and 12)'],
      ['ServiceNow SharePoint PowerShell integration', 'product names in camel case'],
      ['McDonald uses an iPhone and a HTTPServer', 'names with capitals inside'],
      ['*Reminder:* the _secret_ is handed over in the ~chat~ meeting', 'mrkdwn prose about the secret'],
      ['Geschäftsführer Müller, Büro 3.14; ２０２６年３月２０日まで', 'non-English prose with full-width digits'],
      [
        'Vendor contact: Jane Doe (jane.doe@pega.com), case CS-0123456 opened 2026-03-02. Handoff on Webex: https://acme.webex.com/meet/jane.doe',
        'notes: the vendor contact and the case',
      ],
      ['Rotate before the Q3 audit; integrations: Genesys2, Salesforce, PowerBI export (3 jobs).', 'notes: integrations to update'],
      [
        'After the handoff update the vault entry kv/wfi/prod/client-secret and restart wfi-sync-01 and wfi-sync-02.',
        'notes: the vault path and the services to restart',
      ],
      ['Approved by <@U0APPROVE1> in <#C0123ABCD|wfi-ops>; the previous rotation was ROT-4F7K2Q on 2025-12-01.', 'notes: approval and history'],
      ['Use the vault item WFI-PROD-2026 at 14:30 CET, ticket CHG0042 (x86_64 hosts, utf8 export).', 'notes: vault item and change ticket'],
      [`_${S.slice(0, 23)}_`, 'a 23-character token in italics (the underscores are markup, not length)'],
      ['_ROT-4F7K2Q_ _ROT-8H3J4K_ _ROT-9P2Q3R_', 'rotation ids, each in italics (read without the markup, they are ids)'],
      ['attendees U0123ABCD U0456EFGH U0789JKMN', 'Slack user ids separated by spaces (ids, not the pieces of a split secret)'],
      ['the export calls parseJSONResponseFromHTTPServer twice', 'a long camel-case name with an acronym and no digit'],
      [
        '<http://acme.webex.com/acme/j.php?MTID=m8f2c1e4b7a9d3f6e0b5c8a2d4f7e1b3c|acme.webex.com/acme/j.php?MTID=m8f2c1e4b7a9d3f6e0b5c8a2d4f7e1b3c>',
        'a Webex link typed without a scheme, as Slack wraps it (the label is the link again, judged as a link)',
      ],
      [
        '<zoommtg://zoom.us/join?confno=81234567890&pwd=aBcDeF1234567890GhIjKlMnOpQrStUv|zoommtg://zoom.us/join?confno=81234567890&pwd=aBcDeF1234567890GhIjKlMnOpQrStUv>',
        'a Zoom app link that Slack shows as itself (its pwd= is the meeting passcode)',
      ],
    ])('given %j (%s), when checked, then it does not look like a secret', (text) => {
      expect(looksLikeSecret(text)).toBe(false);
    });
  });

  describe('what the split rule needs', () => {
    it.each([
      [`${S.slice(0, 11)} ${S.slice(11, 22)}`, 'two random halves that add up to 22 characters'],
      [`${HEAD}  ${TAIL}`, 'halves two spaces apart'],
      [`${HEAD}, ${TAIL}`, 'halves a comma apart'],
      [`${HEAD} and ${TAIL}`, 'halves a word apart'],
      [`${HEAD} ROT-4F7K2Q ${TAIL}`, 'halves with a rotation id between them'],
      ['commits 3f9e2a1 8c7d6e5 2b3c4d5 a1b2c3d', 'four 7-character hashes in a row (pieces under 8 characters never join)'],
      // A link is cut out of the text, not closed up: the words glued to either side of it stay apart.
      [`${HEAD}<http://acme.webex.com/meet/handoff|acme.webex.com/meet/handoff>${TAIL}`, 'halves glued to a wrapped link'],
      [`${HEAD}https://acme.webex.com/meet/handoff ${TAIL}`, 'halves on either side of a link in the text'],
    ])('given %j (%s), when checked, then it does not look like a secret', (text) => {
      expect(looksLikeSecret(text)).toBe(false);
    });
  });

  it('given texts built to make a regex backtrack, when checked, then each is judged within a second', () => {
    const runs = [
      '<'.repeat(100_000),
      `<${'a'.repeat(100_000)}`,
      '<a|b>'.repeat(20_000),
      `a${'_'.repeat(100_000)}b1`,
      `${'1'.repeat(100_000)}aB`,
      'https://'.repeat(20_000),
      '\u200b'.repeat(100_000),
      `a${'\u0301\u0316'.repeat(50_000)}`,
      `a${'\uff9e\u0301'.repeat(50_000)}`,
      'aB3dE5g '.repeat(20_000),
      `client_secret${'\t'.repeat(100_000)}:${' '.repeat(100_000)}`,
    ];
    for (const run of runs) {
      const started = performance.now();
      looksLikeSecret(run);
      linkLooksLikeSecret(run);
      redactSecrets(run);
      expect([run.slice(0, 12), performance.now() - started < 1000]).toEqual([run.slice(0, 12), true]);
    }
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
      ['https://example.com/callback?token=', 'an empty token= parameter'],
      ['https://zoom.us/j/81234567890?pwd=Xy7pQ2mNa8Rt&uname=Jane', 'a pwd= passcode beside a name'],
      ['https://zoom.us/j/81234567890#pwd=Xy7pQ2mNa8Rt', 'a pwd= passcode in the fragment, as in the query'],
      ['https://zoom.us/j/81234567890#success&PASSCODE=482913', 'a passcode after another fragment part'],
      ['https://example.com/list?next=2&tokens_used=3x', 'a parameter that only starts like a credential'],
      // Only a user name made of the token alphabet alone can be a token; this one has `.` and `%` in it.
      ['https://jane.doe%40b2bpartner.example@acme.webex.com/meet/handoff', 'an e-mail address (its @ encoded) as the user name'],
    ])('given %j (%s), when checked, then it is not a secret', (link) => {
      expect(linkLooksLikeSecret(link)).toBe(false);
    });

    it('given a Zoom link with pwd=, when checked as free text, then it is judged as a link and passes there too', () => {
      expect(looksLikeSecret(ZOOM)).toBe(false);
      expect(looksLikeSecret(`join here: ${ZOOM} at 10:00`)).toBe(false);
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
      ['https://example.com/callback#pwd=abc&client_secret=def', 'a secret beside a passcode in the fragment'],
      ['https://example.com/callback#x&password=hunter2', 'a password= after another fragment part'],
      ['https://example.com/callback?token=abc', 'a token= parameter'],
      ['https://example.com/callback?access_token=abc', 'an access_token= parameter'],
      ['https://example.com/callback?api_key=abc', 'an api_key= parameter'],
      ['https://example.com/callback?apikey=abc', 'an apikey= parameter'],
      ['https://example.com/callback?X-Api-Key=abc', 'an X-Api-Key= parameter'],
      ['https://example.com/callback?TOKEN=abc', 'an upper-case TOKEN= parameter'],
      ['https://example.com/callback?clientSecret=abc', 'a clientSecret= parameter'],
      ['https://example.com/callback#access_token=abc&token_type=bearer', 'an access_token in the fragment (OAuth implicit flow)'],
      [`${WEBEX}&token=abc`, 'a token= parameter beside a meeting id'],
      ['https://example.com/callback?pass\u200bword=hunter2', 'a zero-width space hiding password='],
      ['https://example.com/callback?ｓｅｃｒｅｔ=abc', 'a full-width secret= parameter'],
      ['\u200bhttps://svc:hunter2@acme.webex.com/meet/handoff', 'a password in the userinfo after an invisible character'],
      [`https://${TOKEN_24}@acme.webex.com/meet/handoff`, 'a token as the user name'],
      [`https://${TOKEN_24}.example.com/`, 'a token as a host label'],
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
      ['xwfp-123456789012-A0APP0001-abcdef0123456789', 'a workflow execution\'s bot_access_token'],
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
      [`x ${TOKEN_24.slice(0, 10)}\u200b${TOKEN_24.slice(10)} y`, 'x [redacted] y'],
      [`x ${TOKEN_24.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))} y`, 'x [redacted] y'],
      [`x _${TOKEN_24}_ y`, 'x [redacted] y'],
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
