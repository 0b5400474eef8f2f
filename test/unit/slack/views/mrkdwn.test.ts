import { cutMrkdwn, httpsLink, inlineCode, LINK_MAX, packLines, slackDateTime, wallClockTime } from '../../../../src/slack/views/mrkdwn';
import { epoch } from './view-helpers';

describe('mrkdwn helpers for instants and links', () => {
  it('slackDateTime is a date-and-time token with the ISO instant, or a given text, as fallback', () => {
    const at = '2026-02-21T10:00:00.000Z';
    expect(slackDateTime(at)).toBe(`<!date^${epoch(at)}^{date_short_pretty} {time}|${at}>`);
    expect(slackDateTime(at, 'a < b')).toBe(`<!date^${epoch(at)}^{date_short_pretty} {time}|a &lt; b>`);
    expect(slackDateTime('not a date <!channel>')).toBe('not a date &lt;!channel&gt;');
  });

  it('wallClockTime shows an instant in a zone, DST included, and falls back to UTC for an unknown zone', () => {
    expect(wallClockTime('2026-03-24T14:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-24 15:00 Europe/Berlin');
    expect(wallClockTime('2026-07-24T14:00:00.000Z', 'Europe/Berlin')).toBe('2026-07-24 16:00 Europe/Berlin');
    expect(wallClockTime('2026-03-24T14:00:00.000Z', 'America/New_York')).toBe('2026-03-24 10:00 America/New_York');
    expect(wallClockTime('2026-03-24T14:00:00.000Z', 'Not/AZone')).toBe('2026-03-24 14:00 UTC');
  });

  it('httpsLink links https only, from the parsed URL, with the link delimiters encoded', () => {
    expect(httpsLink('https://acme.webex.com/meet/x', 'Join the meeting')).toBe('<https://acme.webex.com/meet/x|Join the meeting>');
    expect(httpsLink('HTTPS://Acme.Webex.com/a b', 'Join')).toBe('<https://acme.webex.com/a%20b|Join>');
    expect(httpsLink('https://e.example/p|q>r?a=1&b=<x>#f|g', 'Go')).toBe('<https://e.example/p%7Cq%3Er?a=1&amp;b=%3Cx%3E#f%7Cg|Go>');
    for (const bad of ['http://acme.webex.com', 'javascript:alert(1)', 'mailto:a@b.c', 'acme.webex.com', '', `https://e.example/${'a'.repeat(LINK_MAX)}`]) {
      expect(httpsLink(bad, 'Join')).toBeUndefined();
    }
    expect(httpsLink('https://e.example/', '<!channel>')).toBe('<https://e.example/|&lt;!channel&gt;>');
  });

  it('inlineCode escapes and keeps the span closed', () => {
    expect(inlineCode('CS-1 <!here> `x`')).toBe("`CS-1 &lt;!here&gt; 'x'`");
  });

  it('packLines joins lines into texts within the limit, never splitting a line', () => {
    expect(packLines(['aaaa', 'bbbb', 'cccc'], 9)).toEqual(['aaaa\nbbbb', 'cccc']);
    expect(packLines([], 9)).toEqual([]);
    const [cut] = packLines([`${'x'.repeat(5)}&amp;&lt;`], 9);
    expect(cut).toBe('xxxxx…');
  });

  it('cutMrkdwn never leaves half an entity or token', () => {
    expect(cutMrkdwn('abc&amp;def', 6)).toBe('abc…');
    expect(cutMrkdwn('ab <@U123> cd', 8)).toBe('ab …');
  });
});
