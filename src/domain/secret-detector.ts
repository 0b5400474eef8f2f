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
/** A run of token characters, bounded by anything else: the candidates `looksLikeToken` judges in a log line. */
const TOKEN_RUN = /[A-Za-z0-9+/=_-]{24,}/g;
/** Slack tokens (xoxb-, xoxp-, xapp-, …) of any length, so a short test token is caught too. */
const SLACK_TOKEN = /\bx(?:ox[abposre]|app)-[A-Za-z0-9-]+/g;
/** Query parameters that meeting links carry a meeting passcode in (Webex, Zoom): not the WFI secret. */
const MEETING_PASSCODES = new Set(['pwd', 'passcode']);
const TOKEN_CHARS = /^[A-Za-z0-9+/=_-]{24,}$/;
// Slack IDs are about 9 to 11 characters; bounded so that an upper-case hex or base32 secret that starts
// with one of these letters does not pass as an ID.
const SLACK_ID = /^[UWBCDGSTEF][A-Z0-9]{8,20}$/;
const CASE_NUMBER = /^[A-Z]{1,6}-?\d{4,}$/;
// Characters that commonly wrap a pasted value in prose: quotes, brackets, punctuation.
const LEADING_WRAP = '("\'`[{<';
const TRAILING_WRAP = ')"\'`]}>.,;:!?';

/** The word without the wrapping at either end; a loop, since a regex `[…]+$` is quadratic on a long run of them. */
function unwrapped(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && LEADING_WRAP.includes(word.charAt(start))) start += 1;
  while (end > start && TRAILING_WRAP.includes(word.charAt(end - 1))) end -= 1;
  return word.slice(start, end);
}

export const SECRET_REFUSAL =
  'This looks like a secret. The WFI client secret is never shared in Slack: the vendor hands it over in the meeting, ' +
  'and it goes straight into your vault. Remove it from the text (and if it was a real secret, request a fresh rotation).';

function looksLikeToken(word: string): boolean {
  const token = unwrapped(word);
  return (
    TOKEN_CHARS.test(token) &&
    /[A-Za-z]/.test(token) &&
    /\d/.test(token) &&
    !SLACK_ID.test(token) &&
    !CASE_NUMBER.test(token)
  );
}

export function looksLikeSecret(text: string): boolean {
  if (ASSIGNMENT.test(text)) return true;
  // A URL's characters (":" in the scheme) fall outside the token alphabet, so a URL never matches.
  return text.split(/\s+/).some(looksLikeToken);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A meeting join link: the token rule would refuse most of them (Webex ids
 * are long mixed tokens) and Webex and Zoom put the meeting passcode in
 * `pwd=`, so only the assignment rule applies, to the decoded path, fragment
 * and query, passcodes aside; a password in the link itself (`user:pass@`) is refused.
 */
export function linkLooksLikeSecret(link: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return looksLikeSecret(link);
  }
  if (url.password !== '') return true;
  for (const [name, value] of url.searchParams) {
    if (!MEETING_PASSCODES.has(name.toLowerCase()) && ASSIGNMENT.test(`${name}=${value}`)) return true;
  }
  return ASSIGNMENT.test(decoded(`${url.pathname}${url.hash}`));
}

export const REDACTED = '[redacted]';

/**
 * The text with everything the detector would flag replaced by `[redacted]`:
 * assignment values, long mixed tokens and Slack tokens. For log lines, where
 * redacting a little too much (a long URL path) is the safe side.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(SLACK_TOKEN, REDACTED)
    .replace(ASSIGNED_VALUE, (_match, key: string) => `${key}${REDACTED}`)
    .replace(TOKEN_RUN, (run) => (looksLikeToken(run) ? REDACTED : run));
}
