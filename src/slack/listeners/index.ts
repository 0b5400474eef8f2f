import type { App } from '@slack/bolt';
import { isUserId } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { isRecord } from '../parse/request-form';
import { requestUserId } from '../parse/request-user';
import * as appHome from './app-home';
import * as command from './command';
import * as requestSubmission from './request-submission';
import * as rotationActions from './rotation-actions';
import * as stepSubmissions from './step-submissions';
import * as threadMessages from './thread-messages';

/**
 * A command, click or form whose user is not a Slack user id goes no further:
 * Slack always sends one, and a rotation must never record anything else as
 * its requester or as who took a step. Events are left to their listeners
 * (many carry no user); the receiver answers the dropped request at once.
 */
function requireSlackUser(app: App): void {
  app.use(async ({ body, next, logger }) => {
    const isEvent = isRecord(body) && body.event !== undefined;
    const userId = requestUserId(body);
    if (!isEvent && (typeof userId !== 'string' || !isUserId(userId))) {
      logger.warn('Ignored a request whose user is not a Slack user id');
      return;
    }
    await next();
  });
}

/**
 * A slash command or a click without a string `trigger_id` goes no further:
 * Slack sends one with each, and the listeners pass it to views.open as is,
 * so the call would go out with whatever the payload held instead (nothing,
 * or an object) and could only fail. The receiver answers the request at once.
 */
function requireTriggerId(app: App): void {
  app.use(async ({ body, next, logger }) => {
    const fields: Record<string, unknown> = isRecord(body) ? body : {};
    const kind = fields.command !== undefined ? 'slash command' : fields.type === 'block_actions' ? 'click' : undefined;
    if (kind && typeof fields.trigger_id !== 'string') {
      logger.warn(`Ignored a ${kind} without a trigger_id`);
      return;
    }
    await next();
  });
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  requireSlackUser(app);
  requireTriggerId(app);
  for (const listener of [command, requestSubmission, rotationActions, stepSubmissions, appHome, threadMessages]) listener.register(app, deps);
}
