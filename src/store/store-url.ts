import { redactUrl } from '../lib/error-text';

/*
 * What a store URL may look like, for STORE_URL and store:migrate's --from and
 * --to alike: checked before anything is opened, and read by the
 * configuration, so nothing heavy (keyv, the SQLite module) is loaded here.
 */

/** The forms people are offered (memory://, the tests' and the benchmark's store, is accepted but not offered). */
export const STORE_URL_FORMS = 'sqlite://PATH, redis://HOST:PORT, rediss://…, postgres://USER@HOST/DATABASE or postgresql://…';

// memory:// names nothing further; the others need a path or a host after the scheme.
const STORE_URL = /^(?:(?:sqlite|redis|rediss|postgres|postgresql):\/\/.|memory:\/\/)/;

/**
 * Why `url` names no store the bot can open, worded to follow the name of the
 * setting or flag it was given in ("STORE_URL must be …"); undefined when it
 * names one. The URL is quoted without its password.
 */
export function storeUrlProblem(url: string): string | undefined {
  if (STORE_URL.test(url)) return undefined;
  const got = `got "${redactUrl(url)}"`;
  // A path alone: the scheme is what is missing.
  const hint = /^[^:]*$/.test(url) && url.trim() !== '' ? `; for a SQLite file write sqlite://${url}` : '';
  return `must be ${STORE_URL_FORMS} (${got}${hint})`;
}
