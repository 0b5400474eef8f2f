import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps';
import { buildAppHome } from '../views/app-home';

export function register(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: buildAppHome(deps.config.leadBusinessDays) });
  });
}
