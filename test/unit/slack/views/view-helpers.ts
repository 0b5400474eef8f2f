import type { types } from '@slack/bolt';
import type { RotationMessageContext, SlackMessage } from '../../../../src/slack/views/types';
import { rotationIdAt, TEST_NOW, TEST_POLICY } from '../../../../testkit/rotations';

/** Shared by the view tests: the context they render in and ways to read what was built. */
export const context = (overrides: Partial<RotationMessageContext> = {}): RotationMessageContext => ({
  now: TEST_NOW,
  policy: TEST_POLICY,
  ...overrides,
});

export const HOSTILE = 'Please hurry <!channel> <https://evil|click> & <@U123>';

/** An instant in epoch seconds, as a Slack date token carries it. */
export const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/**
 * A calendar date as every surface shows it, `Fri 20 Mar 2026`: worked out
 * here with Intl, independently of the code under test.
 */
export function plainDate(date: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).formatToParts(
    new Date(`${date}T00:00:00Z`),
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}
export const dateTimeToken = (iso: string, fallback = iso): string => `<!date^${epoch(iso)}^{date_short_pretty} {time}|${fallback}>`;

type Blocks = { blocks: types.KnownBlock[] | types.AnyBlock[] };

export function buttons(message: Blocks): types.Button[] {
  return (message.blocks as types.KnownBlock[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b as types.ActionsBlock).elements as types.Button[]);
}

export const sectionTexts = (message: Blocks): string[] =>
  (message.blocks as types.KnownBlock[]).filter((b) => b.type === 'section').map((b) => (b as types.SectionBlock).text?.text ?? '');

export const contextTexts = (message: Blocks): string[] =>
  (message.blocks as types.KnownBlock[])
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b as types.ContextBlock).elements.map((e) => ('text' in e ? e.text : '')));

export const fieldTexts = (message: Blocks): string[] =>
  (message.blocks as types.KnownBlock[])
    .filter((b) => b.type === 'section')
    .flatMap((b) => ((b as types.SectionBlock).fields ?? []).map((f) => f.text));

/** Every mrkdwn text of a message or view (section texts and fields, then contexts), one string. */
export const allText = (message: Blocks): string => [...sectionTexts(message), ...fieldTexts(message), ...contextTexts(message)].join('\n');

export const accessories = (message: Blocks): types.Button[] =>
  (message.blocks as types.KnownBlock[])
    .filter((b) => b.type === 'section' && (b as types.SectionBlock).accessory?.type === 'button')
    .map((b) => (b as types.SectionBlock).accessory as types.Button);

/** A distinct, well-formed rotation id for each index; one parameter, so `.map(idFor)` reads it right. */
export const idFor = (index: number): string => rotationIdAt(index);

export type { SlackMessage };
