import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps';
import * as appHome from './app-home';
import * as command from './command';
import * as requestSubmission from './request-submission';
import * as rotationActions from './rotation-actions';
import * as stepSubmissions from './step-submissions';
import * as threadMessages from './thread-messages';

export function registerListeners(app: App, deps: ListenerDeps): void {
  for (const listener of [command, requestSubmission, rotationActions, stepSubmissions, appHome, threadMessages]) listener.register(app, deps);
}
