import type { RotationStore } from '../../src/domain/ports';
import { RATE_LIMITS } from '../../src/slack/rate-limits';
import { openStore } from '../../src/store/keyv-factory';
import { startTestBot, type TestBot } from '../support/bot-harness';
import { FakeSlack } from '../../testkit/fake-slack';
import { buttonClick, requestSubmission, slashCommand } from '../../testkit/payloads';
import { postToBot } from '../../testkit/slack-request';

// Monday 2026-03-02, 10:00 UTC.
const START = new Date('2026-03-02T10:00:00Z').getTime();
const APPROVER = 'U0APPROVE1';
const STRANGER = 'U0STRANGER';

describe('per-person rate limits, with the production limits', () => {
  const fake = new FakeSlack();
  let store: RotationStore;
  let bot: TestBot | undefined;
  let now = START;
  const port = () => (bot as TestBot).port;
  const advance = (ms: number) => {
    now += ms;
  };

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    fake.on('usergroups.users.list', () => ({ ok: true, users: [] }));
    now = START;
    store = openStore('memory://').rotations;
    bot = await startTestBot(fake, { storeUrl: 'memory://', clock: { now: () => new Date(now) }, store, env: { WFI_APPROVERS: APPROVER } });
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  it('lets one person create a batch of rotations, then refuses in the form until the window moves on', async () => {
    const { limit, windowMs } = RATE_LIMITS.requests;
    for (let i = 0; i < limit; i += 1) {
      expect((await postToBot(port(), requestSubmission({ instanceUrl: `https://acme${i}.wfi.pega.com` }))).text).toBe('');
      advance(1000);
    }
    expect(await store.list()).toHaveLength(limit);

    const refused = (await postToBot(port(), requestSubmission({ instanceUrl: 'https://late.wfi.pega.com' }))).json();
    expect(refused).toMatchObject({ response_action: 'errors' });
    expect((refused.errors as Record<string, string>).instance_url).toMatch(
      new RegExp(`You created ${limit} rotations in the last 10 minutes.*Nothing was saved; submit again in 10 minutes`),
    );
    expect(await store.list()).toHaveLength(limit);

    // Someone else is not held back by it.
    expect((await postToBot(port(), requestSubmission({ instanceUrl: 'https://other.wfi.pega.com' }, 'U0SOMEONE1'))).text).toBe('');

    // Once the first request leaves the window, the same person may create one more.
    advance(windowMs - limit * 1000 + 1);
    expect((await postToBot(port(), requestSubmission({ instanceUrl: 'https://later.wfi.pega.com' }))).text).toBe('');
    expect(await store.list()).toHaveLength(limit + 2);
  });

  it('does not count a form refused for its content', async () => {
    const { limit } = RATE_LIMITS.requests;
    for (let i = 0; i < limit + 5; i += 1) {
      const answer = (await postToBot(port(), requestSubmission({ instanceUrl: 'not a url' }))).json();
      expect((answer.errors as Record<string, string>).instance_url).toMatch(/not a URL/);
    }
    expect((await postToBot(port(), requestSubmission())).text).toBe('');
  });

  it('answers clicks over the limit privately, without running them', async () => {
    const { limit, windowMs } = RATE_LIMITS.clicks;
    await postToBot(port(), requestSubmission());
    const [rotation] = await store.list();
    const click = (user: string) =>
      postToBot(port(), buttonClick('rotation_approve', `${rotation?.id}:1`, { user, responseUrl: fake.responseUrl() }));

    for (let i = 0; i < limit; i += 1) expect((await click(STRANGER)).status).toBe(200);
    await fake.waitFor('chat.postEphemeral', limit);
    expect(fake.callsTo('chat.postEphemeral').every((c) => /Only the approvers/.test(String(c.args.text)))).toBe(true);

    expect((await click(STRANGER)).status).toBe(200);
    const ephemerals = await fake.waitFor('chat.postEphemeral', limit + 1);
    expect(ephemerals.at(-1)?.args).toMatchObject({ user: STRANGER, channel: 'C0CHANNEL1' });
    expect(String(ephemerals.at(-1)?.args.text)).toBe(
      'You are going faster than the bot accepts from one person. Nothing was changed; try again in 1 minute.',
    );

    // The approver's own budget is untouched: their click is carried out.
    await click(APPROVER);
    await fake.waitFor('chat.update');
    expect((await store.get(rotation?.id ?? ''))?.status).toBe('approved');

    advance(windowMs);
    const before = fake.callsTo('chat.postEphemeral').length;
    await click(STRANGER);
    const [after] = (await fake.waitFor('chat.postEphemeral', before + 1)).slice(before);
    expect(String(after?.args.text)).not.toMatch(/going faster/);
  });

  it('answers slash commands over the limit in the acknowledgement', async () => {
    const { limit } = RATE_LIMITS.commands;
    for (let i = 0; i < limit; i += 1) {
      const answer = await postToBot(port(), slashCommand({ text: 'help', response_url: fake.responseUrl() }));
      expect(answer.text).not.toMatch(/going faster/);
    }
    const refused = await postToBot(port(), slashCommand({ text: 'help', response_url: fake.responseUrl() }));
    expect(refused.json()).toEqual({
      response_type: 'ephemeral',
      text: 'You are going faster than the bot accepts from one person. Nothing was changed; try again in 1 minute.',
    });
    // Over the limit, the form does not open either; someone else's does (waited for, so the first would have shown by then).
    await postToBot(port(), slashCommand({ text: '' }));
    await postToBot(port(), slashCommand({ text: '', user_id: 'U0SOMEONE1' }));
    await fake.waitFor('views.open');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.callsTo('views.open')).toHaveLength(1);
  });
});
