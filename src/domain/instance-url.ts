export type InstanceUrlResult = { ok: true; url: string } | { ok: false; error: string };

export const MAX_INSTANCE_URL_LENGTH = 200;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Normalises an instance URL to `https://<name>.<domain>`: lower-case host, no
 * path, query, fragment, credentials or port. The result is what the vendor's
 * "Other URL" field gets, so anything the vendor could misread is refused
 * rather than silently dropped, except a trailing slash and a missing scheme.
 */
export function normaliseInstanceUrl(input: string, instanceDomain: string): InstanceUrlResult {
  const example = `https://acme.${instanceDomain}`;
  const text = input.trim();
  if (text === '') return { ok: false, error: `Enter the instance URL, e.g. ${example}` };
  if (text.length > MAX_INSTANCE_URL_LENGTH) {
    return { ok: false, error: `The URL is longer than ${MAX_INSTANCE_URL_LENGTH} characters; enter only ${example}` };
  }
  // A colon followed by a digit is a port (`acme.wfi.pega.com:443`), not the end of a scheme.
  const withScheme = /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, error: `That is not a URL; enter it as ${example}` };
  }
  if (url.protocol !== 'https:') return { ok: false, error: `The URL must start with https://, e.g. ${example}` };
  if (url.username || url.password) return { ok: false, error: 'Remove the user name or password from the URL' };
  // The URL parser drops the default port 443, so any port left here is a real one.
  if (url.port) return { ok: false, error: `Remove the port (:${url.port}); the instance URL has none` };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { ok: false, error: `Enter only the instance address, without a path or query: ${example}` };
  }
  const host = url.hostname.toLowerCase();
  const suffix = `.${instanceDomain.toLowerCase()}`;
  const name = host.endsWith(suffix) ? host.slice(0, -suffix.length) : undefined;
  if (name === undefined || !LABEL.test(name)) {
    return { ok: false, error: `The instance URL must be https://<name>.${instanceDomain}, e.g. ${example}` };
  }
  return { ok: true, url: `https://${host}` };
}
