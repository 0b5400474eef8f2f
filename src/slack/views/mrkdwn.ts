import { TZDate } from '@date-fns/tz';
import type { CalendarDate } from '../../domain/calendar';

/**
 * Slack's three control characters. Escaping them is all mrkdwn needs to show
 * user text literally: no `<!channel>`, no disguised links, no fake mentions.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's limit on the text of a section block, which escaping can reach from far shorter user text. */
export const SECTION_TEXT_MAX = 3000;

/**
 * User text escaped and cut into pieces of at most `max` characters each, for
 * as many sections as it needs. Escaping can make text four times longer
 * (`<` is `&lt;`), so a limit checked on the raw text does not hold for the
 * escaped one. Pieces break at a line end or space when one is near, and never
 * inside an entity or a surrogate pair.
 */
export function escapedChunks(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const char of text) {
    const piece = escapeMrkdwn(char);
    if (current.length + piece.length > max) {
      const breakAt = Math.max(current.lastIndexOf('\n'), current.lastIndexOf(' '));
      const cut = breakAt >= max / 2 ? breakAt + 1 : current.length;
      chunks.push(current.slice(0, cut));
      current = current.slice(cut);
    }
    current += piece;
  }
  if (current !== '' || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** Shortens user text before it is echoed back, so a long paste cannot push a reply over Slack's limits. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A mention, only for a well-formed user id (ids arrive in payloads and are not trusted). */
export function mention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/**
 * A date token so each reader sees the date in their own locale, with the
 * plain date as the fallback. Noon in the policy's zone keeps the day the same
 * for readers anywhere from UTC-11 to UTC+11.
 */
export function slackDate(date: CalendarDate, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const epoch = Math.floor(new TZDate(y, m - 1, d, 12, 0, 0, timeZone).getTime() / 1000);
  return `<!date^${epoch}^{date_long_pretty}|${date}>`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
