/**
 * Turning errors and settings into text a person reads at start-up and in
 * the command-line tools: the cause that matters, and URLs without their
 * password.
 */

/** Errors that wrap another: the Web API client's (`original`), fetch's and ours (`cause`), a failed connect to each address (`errors`). */
interface Wrapping {
  original?: unknown;
  cause?: unknown;
  errors?: unknown[];
}

/** Error-like, from any realm (node's own errors fail `instanceof Error` inside a vm context, as under jest). */
export function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as Error).message === 'string';
}

function ownText(error: unknown): string {
  if (isErrorLike(error)) return error.message.trim() || ((error as NodeJS.ErrnoException).code ?? '');
  return typeof error === 'string' ? error : '';
}

/**
 * The underlying reason of an error, on one line: the innermost error that
 * says something. The Web API client's "A request error occurred: fetch
 * failed" wraps fetch's "fetch failed", which wraps "connect ECONNREFUSED
 * 127.0.0.1:3000": that last one is what a person can act on. An error whose
 * message already explains its cause (`explained`, e.g. our coded errors)
 * is not looked into.
 */
export function causeOf(error: unknown, explained: (error: unknown) => boolean = () => false): string {
  const chain: unknown[] = [];
  for (let current: unknown = error; current !== undefined && current !== null && !chain.includes(current) && chain.length < 10; ) {
    chain.push(current);
    if (explained(current)) break;
    const wrapping = current as Wrapping;
    current = wrapping.original ?? wrapping.cause ?? (Array.isArray(wrapping.errors) ? wrapping.errors[0] : undefined);
  }
  for (const link of chain.reverse()) {
    const text = ownText(link);
    if (text) return text.replace(/\s*\n\s*/g, ' ');
  }
  return String(error);
}

const SAYS_ONLY_TIME_RAN_OUT = /\btimed? ?out\b|\btimeout\b/i;

/**
 * Of the errors a client reported while it tried to connect, the one worth
 * keeping for the message: the latest, unless it says only that time ran out
 * ("Redis timed out after 2000ms") and the one kept says why
 * ("connect ECONNREFUSED …").
 */
export function tellingError(kept: Error | undefined, next: Error): Error {
  if (kept && SAYS_ONLY_TIME_RAN_OUT.test(causeOf(next)) && !SAYS_ONLY_TIME_RAN_OUT.test(causeOf(kept))) return kept;
  return next;
}

/**
 * A URL fit to print: the password of its user info, if any, replaced by
 * `***` (`postgres://wfi:***@db/wfi`). The user info runs to the last `@`
 * before any query, so a password with a raw `@` or `/` in it is hidden
 * whole; a URL it cannot tell apart is hidden more, never less.
 */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^?#]*)@/i.exec(url);
  if (!match) return url;
  const [whole, scheme, userInfo] = match as unknown as [string, string, string];
  const colon = userInfo.indexOf(':');
  if (colon < 0) return url;
  return `${scheme}${userInfo.slice(0, colon)}:***@${url.slice(whole.length)}`;
}
