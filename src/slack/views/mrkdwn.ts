import { isUserId } from '../../domain/rotation';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { formatCalendarDate, type CalendarDate } from '../../domain/calendar';

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


/** A mention, only for a well-formed user id (ids arrive in payloads and are not trusted). */
export function mention(userId: string): string {
  return isUserId(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/**
 * A calendar date (a deadline, a submit-by date) as plain text, `Mon 4 Jan 2027`:
 * the same day for every reader. Never a date token, which Slack renders in
 * each reader's zone and so shows a day late in New Zealand or a day early in
 * Hawaii; tokens are for instants only (`slackDateTime`).
 */
export function calendarDate(date: CalendarDate): string {
  return escapeMrkdwn(formatCalendarDate(date));
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * A date-and-time token for an instant, so each reader sees it in their own
 * zone and locale; `fallback` (the ISO instant unless given) is shown where
 * tokens are not rendered, such as notifications.
 */
export function slackDateTime(iso: string, fallback: string = iso): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(fallback);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(fallback)}>`;
}

/**
 * An instant as the wall-clock time of a zone, e.g. `2026-03-24 15:00 Europe/Berlin`:
 * a meeting shown back the way it was given. Plain text, not yet escaped.
 */
export function wallClockTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  try {
    return `${format(new TZDate(ms, timeZone), 'yyyy-MM-dd HH:mm')} ${timeZone}`;
  } catch {
    // A zone the runtime does not know (a record from an older runtime): UTC is still a true time.
    return `${format(new TZDate(ms, 'UTC'), 'yyyy-MM-dd HH:mm')} UTC`;
  }
}

/** A link longer than this is not shown: cutting a URL would break it, and Slack caps text far sooner. */
export const LINK_MAX = 1000;

/**
 * `<href|label>` for an https URL, or undefined for anything else (http,
 * javascript:, mailto:, unparseable, too long). The href is the parsed URL's
 * own serialisation with Slack's link delimiters `|`, `<` and `>` percent-encoded
 * and `&` escaped, so no part of it can close the link or start another.
 */
export function httpsLink(url: string, label: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:') return undefined;
  const href = parsed.href.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  if (href.length > LINK_MAX) return undefined;
  return `<${href}|${escapeMrkdwn(label)}>`;
}

/** User text as inline code, escaped; backticks (which would end the span) become quotes. */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
}

/**
 * Lines joined into as few texts of at most `max` characters as they fit,
 * never splitting a line; a single line longer than `max` is cut with an ellipsis.
 */
export function packLines(lines: readonly string[], max: number = SECTION_TEXT_MAX): string[] {
  const texts: string[] = [];
  for (const raw of lines) {
    const line = raw.length <= max ? raw : cutMrkdwn(raw, max);
    const last = texts.length - 1;
    if (last >= 0 && (texts[last] as string).length + 1 + line.length <= max) texts[last] += `\n${line}`;
    else texts.push(line);
  }
  return texts;
}

/** Cuts escaped mrkdwn to `max` characters, never inside an entity, a token or a surrogate pair. */
export function cutMrkdwn(text: string, max: number): string {
  let cut = '';
  for (const char of text) {
    if (cut.length + char.length > max - 1) break;
    cut += char;
  }
  const entityStart = cut.lastIndexOf('&');
  if (entityStart > cut.lastIndexOf(';')) cut = cut.slice(0, entityStart);
  const tokenStart = cut.lastIndexOf('<');
  if (tokenStart > cut.lastIndexOf('>')) cut = cut.slice(0, tokenStart);
  return `${cut}…`;
}
