import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { refreshDashboards } from '../../services/dashboards';
import { ROTATION_ID_PATTERN } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { ACTIONS } from '../ids';
import { encodeRequestMeta } from '../parse/request-meta';
import { explainRefusal } from '../views/refusals';
import { buildRequestModal } from '../views/request-modal';
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
    // The value round-trips through the client: only an id the bot could have made is looked up or repeated.
    const id = typeof action.value === 'string' && ROTATION_ID_PATTERN.test(action.value) ? action.value : undefined;
    const planned = id ? await deps.store.get(id) : undefined;
    if (!planned || planned.status !== 'planned') {
      const refusal = planned ? ({ code: 'PLANNED_ALREADY_STARTED' } as const) : ({ code: 'ROTATION_NOT_FOUND' } as const);
      await tellPrivately(client, { userId: body.user.id }, explainRefusal(refusal, id ?? 'That rotation'));
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: buildRequestModal({
        requesterId: body.user.id,
        channelId: planned.channelId,
        instanceDomain: deps.config.instanceDomain,
        ...(planned.rotationIntervalDays ? { intervalDays: planned.rotationIntervalDays } : {}),
        prefill: {
          instanceUrl: planned.instanceUrl,
          environmentType: planned.environmentType,
          deadline: planned.deadline,
          channelId: planned.channelId,
          attendeeIds: planned.attendeeIds,
          ...(planned.rotationIntervalDays ? { rotationIntervalDays: planned.rotationIntervalDays } : {}),
        },
        privateMetadata: encodeRequestMeta({ plannedRotationId: planned.id }),
      }),
    });
  });
}
