import type { types } from '@slack/bolt';
import { buildHelp } from './command-replies';

/** The App Home tab. For now it explains the command; the dashboard builds on it. */
export function buildAppHome(leadBusinessDays: number): types.HomeView {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'WFI client secret rotation' } },
      ...buildHelp(leadBusinessDays).blocks,
    ],
  };
}
