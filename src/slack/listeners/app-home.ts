import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { refreshDashboards } from '../../services/dashboards';
import { ROTATION_ID_PATTERN } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { ACTIONS } from '../ids';
import { explainRefusal } from '../views/refusals';
import { buildRequestModal, buildStartPlannedModal } from '../views/request-modal';
import { buildNoticeModal } from '../views/step-modals';
import { startPlannedRefusal } from '../../domain/lifecycle';
import { approverFlag } from '../../domain/ports';
import { tellPrivately } from './respond-privately';

export function register(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await refreshDashboards(deps.services, [event.user]);
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.newRequest, async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: buildRequestModal({
        requesterId: body.user.id,
        ...(deps.config.reminderChannelId ? { channelId: deps.config.reminderChannelId } : {}),
        instanceDomain: deps.config.instanceDomain,
        ...(deps.config.rotationIntervalDays ? { intervalDays: deps.config.rotationIntervalDays } : {}),
      }),
    });
  });

  // A planned next cycle becomes a request in one click: the form opens prefilled.
  app.action<BlockAction<ButtonAction>>(ACTIONS.startPlanned, async ({ ack, body, action, client }) => {
    await ack();
    const where = { userId: body.user.id, ...(body.channel?.id ? { channelId: body.channel.id } : {}) };
    // The value round-trips through the client: only an id the bot could have made is looked up or repeated.
    const id = typeof action.value === 'string' && ROTATION_ID_PATTERN.test(action.value) ? action.value : undefined;
    const planned = id ? await deps.store.get(id) : undefined;
    if (!planned || planned.status !== 'planned') {
      const refusal = planned ? ({ code: 'PLANNED_ALREADY_STARTED' } as const) : ({ code: 'ROTATION_NOT_FOUND' } as const);
      await tellPrivately(client, where, explainRefusal(refusal, id ?? 'That rotation'));
      return;
    }
    // The trigger_id expires 3 s after the click: the form opens first, then
    // the role is checked and a refused start replaces the form with why.
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: buildStartPlannedModal(planned, deps.config.rotationIntervalDays ? { intervalDays: deps.config.rotationIntervalDays } : {}),
    });
    const refused = startPlannedRefusal(planned, {
      userId: body.user.id,
      isApprover: approverFlag(await deps.services.approvers.statusOf(body.user.id)),
    });
    if (refused && opened.view?.id) {
      await client.views.update({
        view_id: opened.view.id,
        ...(opened.view.hash ? { hash: opened.view.hash } : {}),
        view: buildNoticeModal('Nothing was changed', explainRefusal(refused, planned.id)),
      });
    }
  });
}
