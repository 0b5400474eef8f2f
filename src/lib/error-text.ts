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

function ownText(error: unknown): string {
  if (error instanceof Error) return error.message.trim() || ((error as NodeJS.ErrnoException).code ?? '');
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
