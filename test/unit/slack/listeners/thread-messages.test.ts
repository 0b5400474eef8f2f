import { threadMessage } from '../../../../src/slack/listeners/thread-messages';
import { explainSecretInThread } from '../../../../src/slack/views/refusals';
import { threadReply } from '../../../../testkit/payloads';
import { aRotation, aRotationIn } from '../../../../testkit/rotations';
import { TEST_WFI_SECRET } from '../../../support/secrets';
import { anExposure, callOrder, eventArgs, fakeClient, fakeDeps, fakeLogger, type FakeClient } from './helpers';

const CHANNEL = 'C0ROTATIONS';
const THREAD_TS = '1771581600.000100';
const POSTER = 'U0POSTER1';

let replies = 0;
/** A reply in the thread of a rotation's message, each with its own ts. */
function reply(text: string, overrides: { user?: string; ts?: string } = {}) {
  replies += 1;
  return threadReply({ channel: CHANNEL, threadTs: THREAD_TS, ts: overrides.ts ?? `1771585200.${String(replies).padStart(6, '0')}`, user: overrides.user ?? POSTER, text });
}

const secretReply = (overrides: { user?: string; ts?: string } = {}) => reply(`here you go: ${TEST_WFI_SECRET}`, overrides);

/** Direct messages the bot sent to `userId`. */
const dmsTo = (client: FakeClient, userId: string) => client.chat.postMessage.mock.calls.filter(([message]) => (message as { channel: string }).channel === userId);

describe('threadMessage', () => {
  it('given an ordinary reply, when it arrives, then nothing is reported and nobody is told anything', async () => {
    const deps = fakeDeps();
    const args = eventArgs<'message'>(reply('the new one is in the vault, thanks'));

    await threadMessage(deps, args);

    expect(deps.useCases.reportExposure).not.toHaveBeenCalled();
    expect(args.client.chat.postMessage).not.toHaveBeenCalled();
  });

  it('given a reply that looks like the secret, when it arrives, then where it was and who posted it are reported, never its text', async () => {
    const deps = fakeDeps();

    await threadMessage(deps, eventArgs<'message'>(secretReply({ ts: '1771585200.000200' })));

    expect(deps.useCases.reportExposure).toHaveBeenCalledWith({ thread: { channelId: CHANNEL, ts: THREAD_TS }, messageTs: '1771585200.000200', posterId: POSTER });
  });

  it('given a first report, when it is recorded, then the poster is asked in a direct message to delete it, then the exposure is announced', async () => {
    const recorded = anExposure(aRotationIn('approved', { id: 'ROT-LEAK22' }));
    const deps = fakeDeps({ useCases: { reportExposure: async () => recorded } });
    const args = eventArgs<'message'>(secretReply());

    await threadMessage(deps, args);

    expect(args.client.chat.postMessage).toHaveBeenCalledWith({ channel: POSTER, text: explainSecretInThread('ROT-LEAK22', CHANNEL) });
    expect(deps.useCases.announceExposure).toHaveBeenCalledWith(recorded);
    expect(callOrder({ report: deps.useCases.reportExposure, dm: args.client.chat.postMessage, announce: deps.useCases.announceExposure })).toEqual([
      'report',
      'dm',
      'announce',
    ]);
  });

  it('given a recorded report, when it is logged, then the log names the rotation and the message but not the text', async () => {
    const deps = fakeDeps();
    const args = eventArgs<'message'>(secretReply({ ts: '1771585200.000300' }));

    await threadMessage(deps, args);

    const logged = JSON.stringify([args.logger.warn.mock.calls, args.logger.error.mock.calls, args.logger.info.mock.calls, args.logger.debug.mock.calls]);
    expect(logged).toContain('1771585200.000300');
    expect(logged).not.toContain(TEST_WFI_SECRET);
  });

  it('given a thread that is not a rotation’s (or a report Slack delivered again), when nothing is recorded, then nobody is told anything', async () => {
    const deps = fakeDeps({ useCases: { reportExposure: async () => undefined } });
    const args = eventArgs<'message'>(secretReply());

    await threadMessage(deps, args);

    expect(args.client.chat.postMessage).not.toHaveBeenCalled();
    expect(deps.useCases.announceExposure).not.toHaveBeenCalled();
  });

  it.each([
    ['a bot’s post', { ...secretReply(), bot_id: 'B0OTHERBOT' }],
    ['a message outside a thread', { ...secretReply(), thread_ts: undefined }],
    ['a join notice', { ...secretReply(), subtype: 'channel_join' }],
  ])('given %s that looks like the secret, when it arrives, then nothing is reported', async (_case, event) => {
    const deps = fakeDeps();

    await threadMessage(deps, eventArgs<'message'>(event));

    expect(deps.useCases.reportExposure).not.toHaveBeenCalled();
  });

  describe('the limit on notices: one a minute per person and rotation', () => {
    async function twoReports(second: { user?: string; afterMs?: number; otherRotation?: boolean }) {
      const first = anExposure(aRotationIn('approved', { id: 'ROT-LEAK22' }));
      const other = anExposure(aRotation({ id: 'ROT-OTHER2' }));
      const deps = fakeDeps();
      deps.useCases.reportExposure.mockResolvedValueOnce(first).mockResolvedValueOnce(second.otherRotation ? other : first);
      const fakes = { client: fakeClient(), logger: fakeLogger() };

      await threadMessage(deps, eventArgs<'message'>(secretReply(), fakes));
      deps.clock.advance(second.afterMs ?? 0);
      await threadMessage(deps, eventArgs<'message'>(secretReply(second.user ? { user: second.user } : {}), fakes));
      return { deps, client: fakes.client };
    }

    it('given a first report, when a second by the same person follows within the minute, then both are recorded but only one direct message and one notice go out', async () => {
      const { deps, client } = await twoReports({ afterMs: 59_999 });

      expect(deps.useCases.reportExposure).toHaveBeenCalledTimes(2);
      expect(dmsTo(client, POSTER)).toHaveLength(1);
      expect(deps.useCases.announceExposure).toHaveBeenCalledTimes(1);
    });

    it('given a first report, when the same person posts another a minute later, then they are told again', async () => {
      const { deps, client } = await twoReports({ afterMs: 60_000 });

      expect(dmsTo(client, POSTER)).toHaveLength(2);
      expect(deps.useCases.announceExposure).toHaveBeenCalledTimes(2);
    });

    it('given a first report, when someone else posts one within the minute, then they are told too', async () => {
      const { client } = await twoReports({ user: 'U0POSTER2' });

      expect(dmsTo(client, POSTER)).toHaveLength(1);
      expect(dmsTo(client, 'U0POSTER2')).toHaveLength(1);
    });

    it('given a first report, when the same person posts one in another rotation’s thread within the minute, then they are told about that one too', async () => {
      const { client } = await twoReports({ otherRotation: true });

      expect(dmsTo(client, POSTER).map(([message]) => (message as { text: string }).text)).toEqual([
        explainSecretInThread('ROT-LEAK22', CHANNEL),
        explainSecretInThread('ROT-OTHER2', CHANNEL),
      ]);
    });
  });
});
