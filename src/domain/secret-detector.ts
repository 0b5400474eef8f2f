/**
 * The vendor hands the new secret over in a meeting precisely so that it is
 * never written down in chat; free text that looks like a secret is refused
 * before it is stored or echoed anywhere.
 */
// Preceded by no letter or digit rather than `\b`, since `_` is a word character and `db_password=…` or
// `WFI_CLIENT_SECRET=…` must match too; the optional quote covers JSON and YAML keys (`"client_secret": "…"`).
const ASSIGNMENT = /(?<![A-Za-z0-9])(?:client[\s_-]?secret|secret|password|passwd|pwd)["']?\s*[:=]\s*\S/i;
const TOKEN_CHARS = /^[A-Za-z0-9+/=_-]{24,}$/;
// Slack IDs are about 9 to 11 characters; bounded so that an upper-case hex or base32 secret that starts
// with one of these letters does not pass as an ID.
const SLACK_ID = /^[UWBCDGSTEF][A-Z0-9]{8,20}$/;
const CASE_NUMBER = /^[A-Z]{1,6}-?\d{4,}$/;
// Characters that commonly wrap a pasted value in prose: quotes, brackets, punctuation.
const WRAPPING = /^[("'`[{<]+|[)"'`\]}>.,;:!?]+$/g;

export const SECRET_REFUSAL =
  'This looks like a secret. The WFI client secret is never shared in Slack: the vendor hands it over in the meeting, ' +
  'and it goes straight into your vault. Remove it from the text (and if it was a real secret, request a fresh rotation).';

function looksLikeToken(word: string): boolean {
  const token = word.replace(WRAPPING, '');
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
