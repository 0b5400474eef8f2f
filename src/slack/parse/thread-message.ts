import { isChannelId, isUserId } from '../../domain/rotation';
import { isRecord, textOf } from './request-form';

/** A person's reply in a thread, as far as the leak guard needs it. */
export interface ThreadMessage {
  channelId: string;
  /** The thread's parent. */
  threadTs: string;
  messageTs: string;
  userId: string;
  text: string;
}

const TS = /^\d{1,12}\.\d{1,8}$/;
/** Subtypes that carry a person's own words; bot posts, joins, deletions and the like do not. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'message_changed']);

/**
 * A `message` event read as untrusted input: a reply by a person in a
 * channel thread (an edit counts, with its new text), or undefined for
 * anything else, including the bot's own posts.
 */
export function parseThreadMessage(event: unknown): ThreadMessage | undefined {
  if (!isRecord(event) || event.type !== 'message') return undefined;
  const subtype = textOf(event.subtype);
  if (!PERSON_SUBTYPES.has(subtype)) return undefined;
  // An edit carries the message as it now reads under `message`.
  const message = subtype === 'message_changed' ? event.message : event;
  if (!isRecord(message) || message.bot_id !== undefined || textOf(message.subtype) === 'bot_message') return undefined;
  const channelId = textOf(event.channel);
  const threadTs = textOf(message.thread_ts);
  const messageTs = textOf(message.ts);
  const userId = textOf(message.user);
  const text = textOf(message.text);
  if (!channelId || !isChannelId(channelId) || !threadTs || !TS.test(threadTs) || !messageTs || !TS.test(messageTs)) return undefined;
  if (threadTs === messageTs || !userId || !isUserId(userId) || text === undefined) return undefined;
  return { channelId, threadTs, messageTs, userId, text };
}
