import { TZDate } from '@date-fns/tz';
import type { CalendarDate } from '../../domain/calendar';

/**
 * Slack's three control characters. Escaping them is all mrkdwn needs to show
 * user text literally: no `<!channel>`, no disguised links, no fake mentions.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
