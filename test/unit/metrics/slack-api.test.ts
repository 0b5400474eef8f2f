import type { webApi } from '@slack/bolt';
import { countingFetch } from '../../../src/metrics/slack-api';

const API = 'https://slack.test/api/';

/** A fetch that answers every request with `status` and `body`, or fails as a network error would. */
function answering(status: number, body: string): webApi.FetchFunction {
  return async () => new Response(body, { status, headers: { 'content-type': 'application/json' } }) as never;
}

/** What `countingFetch` counted for one request to `url`, its body read as the Web client reads it (text). */
async function counted(url: string, inner: webApi.FetchFunction): Promise<Array<[string, string]>> {
  const counts: Array<[string, string]> = [];
  const fetch = countingFetch(API, (method, result) => void counts.push([method, result]), inner);
  try {
    const response = await fetch(url, { method: 'POST' });
    if (response.status === 200) await response.text();
  } catch {
    // A request that got no answer: counted, then thrown on to the Web client.
  }
  return counts;
}

describe('countingFetch', () => {
  it.each([
    ['an ok answer', 200, '{"ok":true,"channel":"C1","message":{"text":"\\"ok\\":false"}}', 'ok'],
    ['a refusal', 200, '{"ok":false,"error":"channel_not_found"}', 'channel_not_found'],
    ['a refusal with "ok" written later', 200, '{"error":"not_in_channel","ok":false}', 'not_in_channel'],
    ['an ok answer with a nested ok:false', 200, '{"ok":true,"item":{"ok":false,"error":"x"}}', 'ok'],
    ['an error code that is no Slack code', 200, '{"ok":false,"error":"Some <html> page"}', 'unknown_error'],
    ['a body that is not JSON', 200, '<html>bad gateway</html>', 'unknown_error'],
    ['a 429', 429, '', 'rate_limited'],
    ['a 503', 503, 'down', 'http_503'],
  ])('given %s, when the Web client reads it, then it is counted as its result', async (_what, status, body, result) => {
    expect(await counted(`${API}chat.postMessage`, answering(status, body))).toEqual([['chat.postMessage', result]]);
  });

  it('given no answer at all, when called, then the request is counted as request_error and the failure reaches the caller', async () => {
    const failing: webApi.FetchFunction = async () => {
      throw new TypeError('fetch failed');
    };
    const counts: string[] = [];

    await expect(countingFetch(API, (_m, result) => void counts.push(result), failing)(`${API}views.open`)).rejects.toThrow('fetch failed');
    expect(counts).toEqual(['request_error']);
  });

  it.each([
    ['a response_url (Bolt\'s respond())', 'https://hooks.slack.test/commands/T1/2/abc', 'response_url'],
    ['a file upload URL', 'https://files.slack.test/upload/v1/abc', 'file_upload'],
    ['a method with a query', `${API}conversations.replies?channel=C1`, 'conversations.replies'],
    ['something else under the API', `${API}..%2F..%2Fetc`, 'other'],
  ])('given %s, when called, then it is counted under %s', async (_what, url, method) => {
    expect(await counted(url, answering(200, '{"ok":true}'))).toEqual([[method, 'ok']]);
  });

  it('given an answer not yet read, when called, then nothing is counted until the Web client reads its body', async () => {
    const counts: string[] = [];
    const response = await countingFetch(API, (_m, result) => void counts.push(result), answering(200, '{"ok":true}'))(`${API}auth.test`);

    expect(counts).toEqual([]);
    expect(await response.text()).toBe('{"ok":true}');
    expect(counts).toEqual(['ok']);
  });
});
