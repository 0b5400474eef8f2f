/**
 * What one reader sees of a payload, as far as dates go: Slack's rendering of
 * date tokens emulated for a reader in a given zone, and the calendar days the
 * reader is shown, whether as plain text or through a token.
 *
 * The token syntax and formats are Slack's documented ones ("Formatting text
 * for app surfaces", date formatting, and the Block Kit date element reference,
 * docs.slack.dev/reference/block-kit/block-elements/date-element):
 *
 *   <!date^EPOCH_SECONDS^FORMAT|fallback>   or   <!date^EPOCH_SECONDS^FORMAT^LINK|fallback>
 *
 * FORMAT is text with curly-brace parts, each rendered in the reader's own zone:
 *   {date_num}          2014-02-18
 *   {date}              February 18th, 2014
 *   {date_short}        Feb 18, 2014
 *   {date_long}         Tuesday, February 18th, 2014
 *   {date_pretty}, {date_short_pretty}, {date_long_pretty}
 *                       "yesterday", "today" or "tomorrow" where that applies, else the plain form
 *   {time}              6:39 AM, or 06:39 with a 24-hour clock (the reader's preference)
 *   {time_secs}         6:39:42 AM, or 06:39:42
 * Anything else in FORMAT is shown as is. Not emulated: Slack's capitalisation
 * of a leading "today", the reader's locale, and parts nobody here uses
 * ({date_slash}, {date_long_full}, {day_divider_pretty}, {ago}); a format with
 * one of those throws, so a new format cannot slip past a test unrendered.
 */

export interface Reader {
  /** IANA zone of the reader's Slack profile. */
  timeZone: string;
  /** The reader's "now", for the pretty formats' today/yesterday/tomorrow; without it they show the date. */
  now?: Date;
  clock?: '12h' | '24h';
}

export interface RenderedToken {
  /** The token as the payload has it. */
  source: string;
  epochSeconds: number;
  format: string;
  link?: string;
  fallback: string;
  /** The calendar day the instant falls on for this reader, `YYYY-MM-DD`. */
  localDate: string;
  /** Whether the format shows a time of day, i.e. the token reads as an instant rather than as a day. */
  showsTime: boolean;
  /** What the reader sees in its place. */
  text: string;
}

const TOKEN = /<!date\^(-?\d+)\^([^^|>]*)(?:\^([^|>]*))?\|([^>]*)>/g;
const PART = /\{([a-z_]+)\}/g;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 86_400_000;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of an instant in a zone, from the runtime's time-zone data (not from the code under test). */
function localParts(ms: number, timeZone: string): LocalParts {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const isoDay = (p: Pick<LocalParts, 'year' | 'month' | 'day'>): string => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;

/** `YYYY-MM-DD` moved by whole days, on plain UTC dates so no zone can move it. */
export function shiftDay(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function relativeDay(localDate: string, reader: Reader): string | undefined {
  if (!reader.now) return undefined;
  const today = isoDay(localParts(reader.now.getTime(), reader.timeZone));
  if (localDate === today) return 'today';
  if (localDate === shiftDay(today, -1)) return 'yesterday';
  if (localDate === shiftDay(today, 1)) return 'tomorrow';
  return undefined;
}

function timeOfDay(p: LocalParts, clock: '12h' | '24h', seconds: boolean): string {
  const secs = seconds ? `:${pad(p.second)}` : '';
  if (clock === '24h') return `${pad(p.hour)}:${pad(p.minute)}${secs}`;
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${hour12}:${pad(p.minute)}${secs} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

const TIME_PARTS = new Set(['time', 'time_secs']);

function renderToken(match: RegExpMatchArray, reader: Reader): RenderedToken {
  const [source, epoch, format, link, fallback] = match as unknown as [string, string, string, string | undefined, string];
  const epochSeconds = Number(epoch);
  const p = localParts(epochSeconds * 1000, reader.timeZone);
  const localDate = isoDay(p);
  const weekday = WEEKDAYS[new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()] as string;
  const month = MONTHS[p.month - 1] as string;
  const date = `${month} ${ordinal(p.day)}, ${p.year}`;
  const dateShort = `${month.slice(0, 3)} ${p.day}, ${p.year}`;
  const dateLong = `${weekday}, ${month} ${ordinal(p.day)}, ${p.year}`;
  const relative = relativeDay(localDate, reader);
  const clock = reader.clock ?? '12h';
  const forms: Record<string, string> = {
    date_num: localDate,
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: relative ?? date,
    date_short_pretty: relative ?? dateShort,
    date_long_pretty: relative ?? dateLong,
    time: timeOfDay(p, clock, false),
    time_secs: timeOfDay(p, clock, true),
  };
  let showsTime = false;
  const rendered = format.replace(PART, (_whole, name: string) => {
    const form = forms[name];
    if (form === undefined) throw new Error(`date token format part {${name}} is not emulated: ${source}`);
    if (TIME_PARTS.has(name)) showsTime = true;
    return form;
  });
  return {
    source,
    epochSeconds,
    format,
    ...(link !== undefined ? { link } : {}),
    fallback,
    localDate,
    showsTime,
    text: link !== undefined ? `<${link}|${rendered}>` : rendered,
  };
}

/**
 * The text as `reader` sees it: each date token replaced by its rendering in
 * the reader's zone. Throws on anything that starts like a token but is not
 * one Slack would render, rather than letting it pass as plain text.
 */
export function renderDateTokens(text: string, reader: Reader): { text: string; tokens: RenderedToken[] } {
  const tokens: RenderedToken[] = [];
  let rendered = '';
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const token = renderToken(match, reader);
    tokens.push(token);
    rendered += text.slice(last, match.index) + token.text;
    last = (match.index ?? 0) + token.source.length;
  }
  rendered += text.slice(last);
  if (text.replace(TOKEN, '').includes('<!date')) throw new Error(`a malformed date token: ${text}`);
  return { text: rendered, tokens };
}

/**
 * Every piece of text a Slack payload shows (message, modal or Home view):
 * the `text` of text objects, rich text and the message itself, a date
 * picker's `initial_date`, and a rich text `date` element, written back as the
 * token it is equivalent to. Ids, values and metadata are not shown and are left out.
 */
export function shownTexts(payload: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === 'date' && typeof record.timestamp === 'number') {
      texts.push(`<!date^${record.timestamp}^${String(record.format)}${record.url ? `^${String(record.url)}` : ''}|${String(record.fallback ?? '')}>`);
    }
    for (const [key, value] of Object.entries(record)) {
      if ((key === 'text' || key === 'initial_date') && typeof value === 'string') texts.push(value);
      else walk(value);
    }
  };
  walk(payload);
  return texts;
}

const WEEKDAY_ABBR = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_ABBR = MONTHS.map((m) => m.slice(0, 3));
/** A date written out as the code writes calendar dates, `Fri 20 Mar 2026`, unless a time of day follows (then it is an instant's reading). */
const WRITTEN_DATE = new RegExp(`\\b(${WEEKDAY_ABBR.join('|')}) (\\d{1,2}) (${MONTH_ABBR.join('|')}) (\\d{4})\\b(?! \\d{1,2}:\\d{2})`, 'g');
/** An ISO date, `2026-03-20`, that is not the start of an instant (`2026-03-20T…`, `2026-03-20 15:00`). */
const ISO_DATE = /(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\dT:]| \d{1,2}:\d{2})/g;

export interface DaysSeen {
  /** Each calendar day shown, `YYYY-MM-DD`; a written date with the wrong weekday comes out as `YYYY-MM-DD (written as …)`. */
  days: string[];
  tokens: RenderedToken[];
}

/**
 * The calendar days `reader` is shown by these texts: dates written out
 * (`Fri 20 Mar 2026`, or ISO `2026-03-20`, as a CSV or a date picker has
 * them) and tokens whose format shows a day but no time of day, at the day
 * they fall on in the reader's zone. A token with a time of day reads as an
 * instant, which each reader rightly sees in their own zone; its day is not a
 * calendar date and is not counted, nor is a written date followed by a time.
 */
export function daysSeen(texts: readonly string[], reader: Reader): DaysSeen {
  const days: string[] = [];
  const tokens: RenderedToken[] = [];
  for (const text of texts) {
    const rendered = renderDateTokens(text, reader);
    tokens.push(...rendered.tokens);
    for (const token of rendered.tokens) if (!token.showsTime) days.push(token.localDate);
    // The written dates of the text itself; a token's fallback is not shown where the token is rendered.
    const plain = text.replace(TOKEN, ' ');
    for (const m of plain.matchAll(WRITTEN_DATE)) {
      const [written, weekday, day, month, year] = m as unknown as [string, string, string, string, string];
      const iso = isoDay({ year: Number(year), month: MONTH_ABBR.indexOf(month) + 1, day: Number(day) });
      const actual = WEEKDAY_ABBR[new Date(`${iso}T00:00:00Z`).getUTCDay()];
      days.push(actual === weekday ? iso : `${iso} (written as ${written})`);
    }
    for (const m of plain.matchAll(ISO_DATE)) days.push(`${m[1]}-${m[2]}-${m[3]}`);
  }
  return { days, tokens };
}

/** The date tokens in texts, rendered in UTC: for checks that do not depend on the reader. */
export function dateTokens(texts: readonly string[]): RenderedToken[] {
  return texts.flatMap((text) => renderDateTokens(text, { timeZone: 'UTC' }).tokens);
}
