import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { ROTATION_ID_PATTERN } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { ACTIONS } from '../ids';
import { explainRefusal } from '../views/refusals';
import { buildRequestModal, buildStartPlannedModal } from '../views/request-modal';
import { buildNoticeModal } from '../views/step-modals';
import { rotationForForm, tellPrivately } from './respond-privately';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/**
 * The Home tab opened: the dashboard of what this person may see, published
 * over the Home they have open (the event carries its hash once they have one).
 */
export async function homeOpened(deps: ListenerDeps, { event }: HomeOpenedArgs): Promise<void> {
  if (event.tab !== 'home') return;
  // The event's view is the Home as Slack holds it; its type leaves out the hash Slack sends with it.
  const hash = (event.view as { hash?: unknown } | undefined)?.hash;
  await deps.useCases.refreshHome(event.user, typeof hash === 'string' && hash !== '' ? hash : undefined);
}

/** App Home's "New rotation request": the request form. */
export async function newRequestClicked(deps: ListenerDeps, { ack, body, client }: ButtonArgs): Promise<void> {
  await ack();
  await client.views.open({
    trigger_id: body.trigger_id,
    view: buildRequestModal({
      requesterId: body.user.id,
      ...(deps.settings.reminderChannelId ? { channelId: deps.settings.reminderChannelId } : {}),
      instanceDomain: deps.settings.instanceDomain,
      ...(deps.settings.rotationIntervalDays ? { intervalDays: deps.settings.rotationIntervalDays } : {}),
    }),
  });
}

/**
 * "Start request" on a planned next cycle: its start form. The trigger_id
 * expires 3 s after the click, so the form opens first; then the person's
 * right to start it is checked, and a refused start replaces the form with why.
 */
export async function startPlannedClicked(deps: ListenerDeps, { ack, body, action, client, logger }: ButtonArgs): Promise<void> {
  await ack();
  const where = { userId: body.user.id, ...(body.channel?.id ? { channelId: body.channel.id } : {}) };
  // The value round-trips through the client: only an id the bot could have made is looked up or repeated.
  const id = typeof action.value === 'string' && ROTATION_ID_PATTERN.test(action.value) ? action.value : undefined;
  const read = id ? await rotationForForm(deps, client, where, id, logger) : ({ found: true, rotation: undefined } as const);
  if (!read.found) return;
  const planned = read.rotation;
  if (!planned || planned.status !== 'planned') {
    const refusal = planned ? ({ code: 'PLANNED_ALREADY_STARTED' } as const) : ({ code: 'ROTATION_NOT_FOUND' } as const);
    await tellPrivately(client, where, explainRefusal(refusal, id ?? 'That rotation'));
    return;
  }
  const opened = await client.views.open({
    trigger_id: body.trigger_id,
    view: buildStartPlannedModal(planned, deps.settings.rotationIntervalDays ? { intervalDays: deps.settings.rotationIntervalDays } : {}),
  });
  const refused = await deps.useCases.startRefusal(planned, body.user.id);
  if (refused && opened.view?.id) {
    await client.views.update({
      view_id: opened.view.id,
      ...(opened.view.hash ? { hash: opened.view.hash } : {}),
      view: buildNoticeModal('Nothing was changed', explainRefusal(refused, planned.id)),
    });
  }
}

/** The App Home's buttons, by action id. */
export function actionRoutes(deps: ListenerDeps): Record<string, (args: ButtonArgs) => Promise<void>> {
  return {
    [ACTIONS.newRequest]: (args) => newRequestClicked(deps, args),
    [ACTIONS.startPlanned]: (args) => startPlannedClicked(deps, args),
  };
}
