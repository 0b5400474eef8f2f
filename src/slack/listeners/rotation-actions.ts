import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerDeps } from '../deps';
import { ACTIONS } from '../ids';

/**
 * Approve and Reject are shown from the start so the message looks as it will;
 * the lifecycle that acts on them comes next. Until then a click is answered
 * privately and changes nothing.
 */
export function register(app: App, _deps: ListenerDeps): void {
  for (const actionId of [ACTIONS.approve, ACTIONS.reject]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, client }) => {
      await ack();
      if (!body.channel?.id) return;
      await client.chat.postEphemeral({
        channel: body.channel.id,
        user: body.user.id,
        text: 'Approvals are coming soon: nothing was changed. The request and its dates are already saved.',
      });
    });
  }
  // A link button still sends an action; acknowledging it keeps Slack from showing a warning.
  app.action(ACTIONS.openPortal, async ({ ack }) => {
    await ack();
  });
}
