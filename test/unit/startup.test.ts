import { CodedError, isCodedError } from '../../src/domain/errors';
import { approverGroupsProblem, slackCheckFailed, StartupSteps, storeFailed, transportFailed } from '../../src/startup';

const never = () => new Promise<never>(() => undefined);

async function failure(promise: Promise<unknown>): Promise<CodedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error('expected the step to fail');
}

describe('StartupSteps', () => {
  it('answers what the step answers', async () => {
    await expect(new StartupSteps().run({ timeoutMs: 1000, failed: () => 'no' }, async () => 42)).resolves.toBe(42);
  });

  it('words a failure with the step’s message, keeping the error as its cause; a synchronous throw too', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const failed = await failure(new StartupSteps().run({ failed: (e) => `STORE_URL=x: ${(e as Error).message}` }, () => Promise.reject(cause)));
    expect([failed.code, failed.message, failed.cause]).toEqual(['STARTUP_FAILED', 'STORE_URL=x: connect ECONNREFUSED 127.0.0.1:1', cause]);
    const thrown = await failure(
      new StartupSteps().run({ failed: () => 'thrown' }, () => {
        throw new Error('at once');
      }),
    );
    expect(thrown.message).toBe('thrown');
  });

  it('gives up after its time limit with the message read at that moment', async () => {
    let seen = 'nothing yet';
    const steps = new StartupSteps();
    const pending = failure(steps.run({ timeoutMs: 50, timedOut: () => `no answer (${seen})`, failed: () => 'failed' }, never));
    seen = 'ECONNREFUSED';
    const failed = await pending;
    expect([failed.code, failed.message]).toEqual(['STARTUP_FAILED', 'no answer (ECONNREFUSED)']);
  });

  it('stops the step in progress, and runs none after, once aborted', async () => {
    const stop = new AbortController();
    const steps = new StartupSteps(stop.signal);
    const pending = failure(steps.run({ failed: () => 'failed' }, never));
    stop.abort();
    expect(isCodedError(await pending, 'STARTUP_INTERRUPTED')).toBe(true);
    let ran = false;
    const after = await failure(steps.run({ failed: () => 'failed' }, async () => void (ran = true)));
    expect([after.code, ran]).toEqual(['STARTUP_INTERRUPTED', false]);
  });

  it('leaves a step that fails after it was given up on unreported (no unhandled rejection)', async () => {
    let reject: (error: Error) => void = () => undefined;
    const late = new Promise<never>((_, r) => (reject = r));
    await failure(new StartupSteps().run({ timeoutMs: 10, failed: () => 'failed' }, () => late));
    reject(new Error('too late'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('start-up messages', () => {
  const platform = (error: string) => Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });

  it('tell a refused bot token from a URL that is not Slack’s', () => {
    expect(slackCheckFailed('https://slack.com/api/', platform('token_revoked'))).toMatch(/^Slack refused SLACK_BOT_TOKEN \(token_revoked\): copy the Bot User OAuth Token/);
    expect(slackCheckFailed('https://slack.com/api/', platform('team_not_found'))).toBe(
      'Slack at SLACK_API_URL=https://slack.com/api/ answered auth.test with "team_not_found": check SLACK_BOT_TOKEN',
    );
    const http = Object.assign(new Error('An HTTP protocol error occurred: statusCode = 404'), { code: 'slack_webapi_http_error', statusCode: 404 });
    expect(slackCheckFailed('https://proxy.example.com/', http)).toBe(
      "SLACK_API_URL=https://proxy.example.com/ does not look like Slack's Web API: auth.test answered HTTP 404 (it should end in /api/, e.g. https://slack.com/api/)",
    );
  });

  it('name the store URL without its password, and a coded cause in its own words', () => {
    const coded = new CodedError('STORE_UNAVAILABLE', 'cannot create the directory /x (EACCES: permission denied)', { cause: new Error('EACCES') });
    expect(storeFailed('postgres://wfi:hunter22@db/wfi', coded)).toBe(
      'STORE_URL=postgres://wfi:***@db/wfi could not be opened: cannot create the directory /x (EACCES: permission denied)',
    );
  });

  it('name PORT and what it serves when the port cannot be opened', () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES', syscall: 'listen' });
    expect(transportFailed({ port: 80, apiUrl: 'https://slack.com/api/', mode: 'http' }, denied)).toBe(
      'PORT=80 (for Slack’s requests and /healthz) may not be opened by this user (listen EACCES: permission denied 0.0.0.0:80): use a port from 1024 up',
    );
    const other = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL', syscall: 'listen' });
    expect(transportFailed({ port: 3000, apiUrl: 'https://slack.com/api/', mode: 'socket' }, other)).toBe(
      'PORT=3000 (for /healthz in Socket Mode) could not be opened: listen EADDRNOTAVAIL',
    );
  });
});

describe('approverGroupsProblem', () => {
  const org = { orgWide: true, enterpriseId: 'E0ORG0001' };

  it('finds nothing on a workspace install, whether groups name a workspace or not', () => {
    expect(approverGroupsProblem([{ id: 'S0GROUP01' }, { id: 'S0GROUP02', teamId: 'T0TEAM001' }], { orgWide: false })).toBeUndefined();
  });

  it('finds nothing on an org-wide install when every group names its workspace, or there is no group', () => {
    expect(approverGroupsProblem([{ id: 'S0GROUP01', teamId: 'T0TEAM001' }], org)).toBeUndefined();
    expect(approverGroupsProblem([], org)).toBeUndefined();
  });

  it('names WFI_APPROVERS, each group without a workspace, the org and the fix, on an org-wide install', () => {
    const problem = approverGroupsProblem([{ id: 'S0GROUP01' }, { id: 'S0GROUP02', teamId: 'T0TEAM001' }, { id: 'S0GROUP03' }], org);
    expect(problem).toBe(
      'WFI_APPROVERS lists user groups S0GROUP01, S0GROUP03 without a workspace, and SLACK_BOT_TOKEN is an Enterprise Grid org-wide install (E0ORG0001), ' +
        "whose token Slack lets read a group's members only in a named workspace: write each as S…@T…, e.g. S0GROUP01@T0123ABCD, with the ID of a " +
        'workspace the group is in (an org-wide group: any workspace it is enabled in; the T… of app.slack.com/client/T…/ in that workspace, or the admin dashboard)',
    );
    expect(problem).not.toContain('\n');
  });
});
