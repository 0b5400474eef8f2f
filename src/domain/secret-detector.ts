import { ROTATION_ID_PATTERN } from './rotation';

/**
 * The vendor hands the new secret over in a meeting precisely so that it is
 * never written down in chat; free text that looks like a secret is refused
 * before it is stored or echoed anywhere.
 */
// Preceded by no letter or digit rather than `\b`, since `_` is a word character and `db_password=…` or
// `WFI_CLIENT_SECRET=…` must match too; the optional quote covers JSON and YAML keys (`"client_secret": "…"`).
const KEY = String.raw`(?<![A-Za-z0-9])(?:client[\s_-]?secret|secret|password|passwd|pwd)["']?\s*[:=]\s*`;
const ASSIGNMENT = new RegExp(`${KEY}\\S`, 'i');
/** The value of each assignment, for redaction: a quoted value whole (a passphrase has spaces), else up to the next space, quote or separator. */
const ASSIGNED_VALUE = new RegExp(`(${KEY})(?:"[^"]*"|'[^']*'|[^\\s"',;&]+)`, 'gi');
/**
 * Slack tokens (xoxb-, xoxp-, xapp-, and xwfp-: a workflow execution's
 * bot_access_token) of any length, so a short test token is caught too.
 */
const SLACK_TOKEN = /\bx(?:ox[abposre]|app|wfp)-[A-Za-z0-9-]+/g;
/** Query parameters that meeting links carry a meeting passcode in (Webex, Zoom): not the WFI secret. */
const MEETING_PASSCODES = new Set(['pwd', 'passcode']);
// Compared lower-case without `-` and `_`, so access_token, x-api-key, apiKey and client_secret all match.
const CREDENTIAL_PARAM = /(?:token|apikey|secret|passw(?:or)?d)$/;

// Invisible format characters (zero-width space and joiner, soft hyphen, BOM, bidi marks) change nothing a
// reader sees, so a value with one inside is still the value. Combining marks go too: text generators strike
// through or underline with them (S̶), and NFKC's reordering of a long run of them takes quadratic time.
const IGNORED_CHARS = /[\p{Cf}\p{M}]/gu;
// Slack's wrappers in message text: <https://…|label>, <@U…>, <#C…|name>, <!here>. Each one ends at the next
// `<` or `>`, so a long run of brackets is scanned once.
const SLACK_WRAPPER = /<([^<>]*)>/g;
const MENTION = /^[@#!]/;
const MRKDWN_MARKERS = /[*~`]/g;
const URL_IN_TEXT = /https?:\/\/[^\s<>"'|]+/gi;
const SCHEME = /^[a-z][a-z0-9+.-]*:(?:\/\/)?/i;
const TOKEN = /[A-Za-z0-9+/=_-]+/g;
/** A run worth judging in a log line: token characters, and the invisible and full-width ones that fold into them. */
const LOG_RUN = /[A-Za-z0-9+/=_\-\p{Cf}\uFF0B\uFF0D\uFF0F-\uFF19\uFF1D\uFF21-\uFF3A\uFF3F\uFF41-\uFF5A]{24,}/gu;

const MIN_SECRET_LENGTH = 24;
const MIN_FRAGMENT_LENGTH = 8;
/** What may split a pasted secret in two and still leave it readable as one. */
const SPLITS = ' .';

// Slack IDs are about 9 to 11 characters; bounded so that an upper-case hex or base32 secret that starts
// with one of these letters does not pass as an ID.
const SLACK_ID = /^[UWBCDGSTEF][A-Z0-9]{8,20}$/;
const CASE_NUMBER = /^[A-Z]{1,6}-?\d{4,}$/;
// The client id is a UUID; a UUID-shaped secret would pass too, which is the price of not refusing the id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-?\d\d-?\d\d(?:T[\dZ]*)?$/;
// A random value puts digits between letters (aB3dE) and capitals at random (kTwRy); the names people type do
// neither: instance01, eu-west-1, x86_64, 2fa, ServiceNow, iPhone, HTTPServer. Each test is a single pass, so a
// long run costs one scan.
const DIGITS_BETWEEN_LETTERS = /[A-Za-z]\d+[A-Za-z]/;
const CAPITAL_WITHOUT_WORD = /[a-z][A-Z](?![a-z])/;
const MIXED_CASE_INSIDE = /[a-z][A-Z]|.[A-Z][a-z]/;

export const SECRET_REFUSAL =
  'This looks like a secret. The WFI client secret is never shared in Slack: the vendor hands it over in the meeting, ' +
  'and it goes straight into your vault. Remove it from the text (and if it was a real secret, request a fresh rotation).';

/** The text as it reads: full-width and other compatibility forms folded (NFKC), invisible characters and combining marks dropped. */
export function normaliseText(text: string): string {
  return text.replace(IGNORED_CHARS, '').normalize('NFKC');
}

/** A token without the mrkdwn italics around it (`_value_`); a loop, since a regex on a long run of `_` is quadratic. */
function withoutItalics(token: string): string {
  let start = 0;
  let end = token.length;
  while (end - start > 2 && token.charAt(start) === '_' && token.charAt(end - 1) === '_') {
    start += 1;
    end -= 1;
  }
  return token.slice(start, end);
}

function mixesLettersAndDigits(token: string): boolean {
  return /[A-Za-z]/.test(token) && /\d/.test(token);
}

/** Ids the bot and the portal hand out, and names people type: never a secret, however long. */
function isNamed(token: string): boolean {
  return (
    SLACK_ID.test(token) ||
    CASE_NUMBER.test(token) ||
    ROTATION_ID_PATTERN.test(token) ||
    UUID.test(token) ||
    DATE.test(token) ||
    (!DIGITS_BETWEEN_LETTERS.test(token) && !CAPITAL_WITHOUT_WORD.test(token))
  );
}

// A full 40-hex git commit hash is refused: it cannot be told from a hex-encoded client secret (GitHub's OAuth
// client secrets are exactly 40 hex characters). Short hashes (7 to 12) are below the length and pass.
function looksLikeToken(token: string): boolean {
  return token.length >= MIN_SECRET_LENGTH && /^[A-Za-z0-9+/=_-]+$/.test(token) && mixesLettersAndDigits(token) && !isNamed(token);
}

/** A piece of a secret split in two: long enough, and random-looking in the same way as a whole one. */
function looksRandom(fragment: string): boolean {
  return (
    fragment.length >= MIN_FRAGMENT_LENGTH &&
    (mixesLettersAndDigits(fragment) || MIXED_CASE_INSIDE.test(fragment)) &&
    !isNamed(fragment)
  );
}

/**
 * The token rule on plain text: a long mixed token, or random-looking
 * fragments that one space or one `.` apart add up to one. Prose breaks
 * the chain at its first ordinary word.
 */
function tokensLookLikeSecret(text: string): boolean {
  let chained = 0;
  let fragments = 0;
  let end = -1;
  for (const match of text.matchAll(TOKEN)) {
    const token = withoutItalics(match[0]);
    if (looksLikeToken(token)) return true;
    if (!looksRandom(token)) {
      fragments = 0;
      continue;
    }
    const joined = fragments > 0 && match.index === end + 1 && SPLITS.includes(text.charAt(end));
    chained = joined ? chained + token.length : token.length;
    fragments = joined ? fragments + 1 : 1;
    if (fragments > 1 && chained >= MIN_SECRET_LENGTH) return true;
    end = match.index + match[0].length;
  }
  return false;
}

/** Parsed, or undefined for text that is not a URL; asked first, since a thrown error is slow for text full of wrappers. */
function parsedUrl(text: string): URL | undefined {
  return URL.canParse(text) ? new URL(text) : undefined;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function paramLooksLikeSecret([name, value]: [string, string]): boolean {
  const key = name.toLowerCase();
  if (MEETING_PASSCODES.has(key)) return false;
  return (value !== '' && CREDENTIAL_PARAM.test(key.replace(/[-_]/g, ''))) || ASSIGNMENT.test(`${name}=${value}`);
}

function urlLooksLikeSecret(url: URL): boolean {
  if (url.password !== '' || [url.username, ...url.hostname.split('.')].some(looksLikeToken)) return true;
  // OAuth's implicit flow puts access_token in the fragment, so it is read as parameters too.
  const params = [...url.searchParams, ...new URLSearchParams(url.hash.slice(1))];
  return params.some(paramLooksLikeSecret) || ASSIGNMENT.test(decoded(`${url.pathname}${withoutPasscodes(url.hash)}`));
}

/** A fragment without its meeting passcodes (`#pwd=…`), which the parameter rule has already let pass, as in the query. */
function withoutPasscodes(fragment: string): string {
  return fragment.replace(/(^#|&)([^&=]*)=[^&]*/g, (pair, lead: string, name: string) => (MEETING_PASSCODES.has(name.toLowerCase()) ? lead : pair));
}

/**
 * A meeting join link: the token rule would refuse most of them (Webex ids
 * are long mixed tokens) and Webex and Zoom put the meeting passcode in
 * `pwd=`, so the path, fragment and query get the assignment rule only,
 * passcodes aside, and any credential-named parameter with a value is
 * refused; so is a password in the link itself (`user:pass@`) and a user
 * name or host label that is a token.
 */
export function linkLooksLikeSecret(link: string): boolean {
  const text = normaliseText(link);
  const url = parsedUrl(text);
  return url ? urlLooksLikeSecret(url) : looksLikeSecret(text);
}

/**
 * Judges text as it reads rather than as it was typed: folded and without
 * invisible characters, links and Slack's wrappers judged apart, mrkdwn
 * markers dropped, and split on anything outside the token alphabet, so
 * `*S*`, `token:S`, `<https://x.example|S>` and `"S".` all expose S.
 */
export function looksLikeSecret(text: string): boolean {
  let linkSecret = false;
  const unwrapped = normaliseText(text).replace(SLACK_WRAPPER, (_wrapper, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? '' : inner.slice(bar + 1);
    // Mentions (<@U…>, <#C…|name>, <!here>) point at people and channels: only their label is text.
    if (MENTION.test(target)) return `\n${label}\n`;
    const url = parsedUrl(target);
    if (!url) return `\n${inner}\n`;
    linkSecret ||= urlLooksLikeSecret(url);
    // Slack writes a link typed without a scheme as <http://host/path|host/path>: that label is the link again.
    return label === target || label === target.replace(SCHEME, '') ? '\n' : `\n${label}\n`;
  });
  // Links are judged as links and taken out, so a meeting id or passcode in notes is not refused as a token.
  const prose = unwrapped.replace(MRKDWN_MARKERS, '').replace(URL_IN_TEXT, (link) => {
    const url = parsedUrl(link);
    if (!url) return link;
    linkSecret ||= urlLooksLikeSecret(url);
    return '\n';
  });
  return linkSecret || ASSIGNMENT.test(prose) || tokensLookLikeSecret(prose);
}

export const REDACTED = '[redacted]';

/**
 * The text with everything the detector would flag replaced by `[redacted]`:
 * assignment values, long mixed tokens (also with invisible or full-width
 * characters in them) and Slack tokens. For log lines, where redacting a
 * little too much (a long URL path) is the safe side.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(SLACK_TOKEN, REDACTED)
    .replace(ASSIGNED_VALUE, (_match, key: string) => `${key}${REDACTED}`)
    .replace(LOG_RUN, (run) => (looksLikeToken(withoutItalics(normaliseText(run))) ? REDACTED : run));
}
