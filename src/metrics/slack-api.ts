import type { webApi } from '@slack/bolt';

type FetchResponse = Awaited<ReturnType<webApi.FetchFunction>>;

/** Counts one HTTP request to Slack: its Web API method (or what else it was) and how it ended. */
export type CountSlackRequest = (method: string, result: string) => void;

/** Slack's error codes are snake_case words; anything else is not made into a label. */
const ERROR_CODE = /^[a-z0-9_]{1,64}$/;
/** How Slack begins every answer: `{"ok":true` or `{"ok":false`. */
const OK_FIRST = /^\s*\{\s*"ok"\s*:\s*(true|false)\b/;

/** The result of an answer's fields: `ok`, or its `error` (`channel_not_found`). */
function resultOf(answer: { ok?: unknown; error?: unknown } | undefined): string {
  if (answer?.ok !== false) return 'ok';
  return typeof answer.error === 'string' && ERROR_CODE.test(answer.error) ? answer.error : 'unknown_error';
}

/** The `result` of a Web API answer Slack sent with 200, read from the start of its body: parsed again only for a refusal. */
function resultOfBody(body: string): string {
  if (OK_FIRST.exec(body)?.[1] === 'true') return 'ok';
  try {
    return resultOf(JSON.parse(body) as { ok?: unknown; error?: unknown });
  } catch {
    // The Web client makes the same answer `{ ok: false, error: <the text> }`.
    return 'unknown_error';
  }
}

/** The method a URL calls under the Web API's base; a response_url or an upload URL otherwise (Bolt's respond(), files.uploadV2). */
function methodOf(url: string, apiUrl: string): string | undefined {
  if (!url.startsWith(apiUrl)) return undefined;
  const method = url.slice(apiUrl.length).split(/[?#]/)[0] ?? '';
  // Only what the bot's code calls reaches here; a bound on the label all the same.
  return /^[a-z]+(?:\.[A-Za-z]+){1,3}$/.test(method) ? method : 'other';
}

/**
 * A `fetch` for the Web clients' `fetch` option (and Bolt's respond(), which
 * uses the App's), counting every HTTP request to Slack by method and result:
 * `ok` or Slack's error (`channel_not_found`) for an answer, `rate_limited`
 * for a 429, `http_<status>` for another status, `request_error` when no
 * answer came (refused, reset, timed out). Each attempt counts: a call the
 * client retries after a 429 or a 5xx counts once per attempt, so the
 * rate_limited and http_5xx counts are the retries (while a client's retry
 * policy lasts) and the last attempt's result is the call's.
 */
export function countingFetch(apiUrl: string, count: CountSlackRequest, inner: webApi.FetchFunction = globalThis.fetch): webApi.FetchFunction {
  return async (url, init) => {
    const target = String(url);
    const apiMethod = methodOf(target, apiUrl);
    const method = apiMethod ?? (/\/upload\//.test(target) ? 'file_upload' : 'response_url');
    let response: FetchResponse;
    try {
      response = await inner(url, init);
    } catch (error) {
      count(method, 'request_error');
      throw error;
    }
    if (response.status === 429) count(method, 'rate_limited');
    else if (response.status !== 200 || apiMethod === undefined) count(method, response.ok ? 'ok' : `http_${response.status}`);
    else return counted(response, (result) => count(method, result));
    return response;
  };
}

/** The answer as the Web client reads it, counted once its body is read: Slack says whether it failed in the body, with 200. */
function counted(response: FetchResponse, count: (result: string) => void): FetchResponse {
  return {
    ok: response.ok,
    status: response.status,
    statusText: response.statusText,
    url: response.url,
    headers: response.headers,
    text: async () => {
      const body = await response.text();
      count(resultOfBody(body));
      return body;
    },
    json: async () => {
      const body = (await response.json()) as { ok?: unknown; error?: unknown } | undefined;
      count(resultOf(body));
      return body;
    },
    // Binary answers (admin.analytics.getFile): the bot makes none; counted as answered.
    arrayBuffer: async () => {
      const body = await response.arrayBuffer();
      count('ok');
      return body;
    },
  };
}
