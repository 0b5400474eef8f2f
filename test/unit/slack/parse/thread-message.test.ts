import { parseThreadMessage, type ThreadMessage } from '../../../../src/slack/parse/thread-message';

const CHANNEL = 'C0ROTATIONS';
const PARENT_TS = '1771581600.000100';
const REPLY_TS = '1771585200.000200';
const USER = 'U0REPLIER';

/** A person's reply in a thread, as the `message` event delivers it (message.channels). */
function reply(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    channel: CHANNEL,
    channel_type: 'channel',
    user: USER,
    text: 'the new one is in the vault',
    ts: REPLY_TS,
    thread_ts: PARENT_TS,
    event_ts: REPLY_TS,
    ...overrides,
  };
}

/** An edit: the outer event carries the channel, `message` the reply as it now reads. */
function edit(message: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel: CHANNEL,
    ts: '1771588800.000300',
    event_ts: '1771588800.000300',
    message: {
      type: 'message',
      user: USER,
      text: 'edited: the new one is in the vault',
      ts: REPLY_TS,
      thread_ts: PARENT_TS,
      edited: { user: USER, ts: '1771588800.000000' },
      ...message,
    },
    previous_message: { type: 'message', user: USER, text: 'before the edit', ts: REPLY_TS, thread_ts: PARENT_TS },
    ...overrides,
  };
}

const EXPECTED: ThreadMessage = {
  channelId: CHANNEL,
  threadTs: PARENT_TS,
  messageTs: REPLY_TS,
  userId: USER,
  text: 'the new one is in the vault',
};

describe('parseThreadMessage', () => {
  describe('replies by people', () => {
    it('given a plain reply in a thread, when parsed, then it has the channel, the parent, its own ts, the author and the text', () => {
      expect(parseThreadMessage(reply())).toEqual(EXPECTED);
    });

    it('given a reply also sent to the channel (thread_broadcast), when parsed, then it is read like any reply', () => {
      expect(parseThreadMessage(reply({ subtype: 'thread_broadcast', root: { ts: PARENT_TS, text: 'the rotation' } }))).toEqual(EXPECTED);
    });

    it('given a reply with a file (file_share), when parsed, then its text is read', () => {
      const parsed = parseThreadMessage(reply({ subtype: 'file_share', text: 'screenshot of the portal', files: [{ id: 'F0123ABCD' }] }));

      expect(parsed).toEqual({ ...EXPECTED, text: 'screenshot of the portal' });
    });

    it('given a reply with empty text (a file alone), when parsed, then it is read with empty text', () => {
      expect(parseThreadMessage(reply({ subtype: 'file_share', text: '' }))).toEqual({ ...EXPECTED, text: '' });
    });

    it('given a reply in a private channel (G…), when parsed, then it is read', () => {
      expect(parseThreadMessage(reply({ channel: 'G0PRIVATE1' }))).toEqual({ ...EXPECTED, channelId: 'G0PRIVATE1' });
    });

    it('given a reply by an Enterprise Grid user (W…), when parsed, then it is read', () => {
      expect(parseThreadMessage(reply({ user: 'W0123ABCDEF' }))).toEqual({ ...EXPECTED, userId: 'W0123ABCDEF' });
    });
  });

  describe('edits (message_changed)', () => {
    it('given an edited reply, when parsed, then the new text, the reply’s own ts and thread and its author are read', () => {
      expect(parseThreadMessage(edit())).toEqual({ ...EXPECTED, text: 'edited: the new one is in the vault' });
    });

    it('given an edit whose outer event has another ts, thread and user, when parsed, then the inner message’s are used', () => {
      const parsed = parseThreadMessage(edit({}, { user: 'U0OUTER', thread_ts: '1771500000.000001', text: 'outer text' }));

      expect(parsed).toEqual({ ...EXPECTED, text: 'edited: the new one is in the vault' });
    });

    it('given an edit of the thread’s parent (a top-level message), when parsed, then there is nothing', () => {
      expect(parseThreadMessage(edit({ ts: PARENT_TS }))).toBeUndefined();
      expect(parseThreadMessage(edit({ thread_ts: undefined }))).toBeUndefined();
    });

    it('given an edit of a bot’s message, when parsed, then there is nothing', () => {
      expect(parseThreadMessage(edit({ bot_id: 'B0BOT' }))).toBeUndefined();
      expect(parseThreadMessage(edit({ subtype: 'bot_message' }))).toBeUndefined();
    });

    it.each<[string, unknown]>([
      ['missing', undefined],
      ['null', null],
      ['a string', 'edited text'],
      ['an array', [reply()]],
    ])('given an edit whose message is %s, when parsed, then there is nothing', (_what, message) => {
      expect(parseThreadMessage({ ...edit(), message })).toBeUndefined();
    });
  });

  describe('not a reply in a thread', () => {
    it('given a top-level message (no thread_ts), when parsed, then there is nothing', () => {
      const { thread_ts: _thread, ...topLevel } = reply();

      expect(parseThreadMessage(topLevel)).toBeUndefined();
    });

    it('given the thread’s parent itself (thread_ts equals ts), when parsed, then there is nothing', () => {
      expect(parseThreadMessage(reply({ ts: PARENT_TS }))).toBeUndefined();
    });

    it('given a message in a direct message channel (D…), when parsed, then there is nothing', () => {
      expect(parseThreadMessage(reply({ channel: 'D0DIRECT1', channel_type: 'im' }))).toBeUndefined();
    });
  });

  describe('not a person', () => {
    it('given a reply with a bot_id (the bot’s own post), when parsed, then there is nothing', () => {
      expect(parseThreadMessage(reply({ bot_id: 'B0BOT' }))).toBeUndefined();
    });

    it('given a bot_message, when parsed, then there is nothing', () => {
      expect(parseThreadMessage(reply({ subtype: 'bot_message', bot_id: 'B0BOT', user: undefined }))).toBeUndefined();
      expect(parseThreadMessage(reply({ subtype: 'bot_message' }))).toBeUndefined();
    });
  });

  describe('other subtypes', () => {
    it.each(['channel_join', 'channel_leave', 'message_deleted', 'message_replied', 'channel_topic', 'tombstone'])(
      'given subtype %s, when parsed, then there is nothing',
      (subtype) => {
        expect(parseThreadMessage(reply({ subtype }))).toBeUndefined();
      },
    );
  });

  describe('malformed events', () => {
    it.each<[string, Record<string, unknown>]>([
      ['another event type', { type: 'app_mention' }],
      ['no type', { type: undefined }],
      ['no channel', { channel: undefined }],
      ['a numeric channel', { channel: 42 }],
      ['a lower-case channel', { channel: 'c0rotations' }],
      ['a channel id with a space', { channel: 'C0ROT ATIONS' }],
      ['a channel id that is too long', { channel: `C${'A'.repeat(21)}` }],
      ['a user id as the channel', { channel: 'U0REPLIER' }],
      ['no ts', { ts: undefined }],
      ['a numeric ts', { ts: 1771585200.0002 }],
      ['a ts without its fraction', { ts: '1771585200' }],
      ['a ts with letters', { ts: '1771585200.00a200' }],
      ['a ts with a trailing line break', { ts: `${REPLY_TS}\n` }],
      ['a malformed thread_ts', { thread_ts: 'parent' }],
      ['a numeric thread_ts', { thread_ts: 1771581600.0001 }],
      ['no user', { user: undefined }],
      ['a numeric user', { user: 42 }],
      ['a lower-case user', { user: 'u0replier' }],
      ['a channel id as the user', { user: 'C0ROTATIONS' }],
      ['a user id with a mention around it', { user: `<@${USER}>` }],
      ['no text', { text: undefined }],
      ['a numeric text', { text: 42 }],
      ['an object as text', { text: { type: 'mrkdwn', text: 'x' } }],
    ])('given %s, when parsed, then there is nothing', (_what, overrides) => {
      expect(parseThreadMessage(reply(overrides))).toBeUndefined();
    });

    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['null', null],
      ['a string', 'message'],
      ['a number', 42],
      ['an array', [reply()]],
      ['an empty object', {}],
    ])('given %s instead of an event, when parsed, then there is nothing', (_what, event) => {
      expect(parseThreadMessage(event)).toBeUndefined();
    });
  });
});
