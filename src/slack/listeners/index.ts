import type { AllMiddlewareArgs, AnyMiddlewareArgs, App, BlockAction, ButtonAction, Logger, Middleware, SlackEventMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isUserId } from '../../domain/rotation';
import { newRequestId, type RedactingLogger } from '../../logging';
import type { ListenerDeps } from '../deps';
import { COMMAND } from '../ids';
import { isRecord } from '../parse/request-form';
import { requestUserId } from '../parse/request-user';
import { refuseOverLimit } from '../rate-limits';
import { describeRequest } from '../receiver';
import * as appHome from './app-home';
import * as command from './command';
import * as requestSubmission from './request-submission';
import * as rotationActions from './rotation-actions';
import * as stepSubmissions from './step-submissions';
import * as threadMessages from './thread-messages';
import * as workflowSteps from './workflow-steps';

/** What the gate needs besides the listeners' deps: the bot's logger, and shutdown's tally of work in flight. */
export interface RequestTracing {
  logger: RedactingLogger;
  track: <T>(work: Promise<T>) => Promise<T>;
}

/**
 * Why a request goes no further, or undefined when it may. A command, click
 * or form whose user is not a Slack user id: Slack always sends one, and a
 * rotation must never record anything else as its requester or as who took a
 * step (events are left to their listeners: many carry no user). A command or
 * a click without a string `trigger_id`: Slack sends one with each, and the
 * listeners pass it to views.open as is, so the call could only fail. The
 * receiver answers a dropped request at once.
 */
export function whyDropped(body: unknown): string | undefined {
  const fields: Record<string, unknown> = isRecord(body) ? body : {};
  const userId = requestUserId(body);
  if (fields.event === undefined && (typeof userId !== 'string' || !isUserId(userId))) return 'Ignored a request whose user is not a Slack user id';
  const kind = fields.command !== undefined ? 'slash command' : fields.type === 'block_actions' ? 'click' : undefined;
  if (kind && typeof fields.trigger_id !== 'string') return `Ignored a ${kind} without a trigger_id`;
  return undefined;
}

/**
 * The one middleware every request goes through, in one step rather than one
 * per concern (each of Bolt's middleware layers costs every request): an id
 * and a logger for the request, the checks above, the per-person rate limits;
 * then the request's listener, tracked so shutdown can wait for it (in Socket
 * Mode no receiver of ours sees it).
 */
function gate(deps: ListenerDeps, { logger, track }: RequestTracing): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const requestId = newRequestId();
    const log = logger.forRequest(requestId);
    args.context.requestId = requestId;
    args.context.requestLogger = log;
    if (logger.shows('debug')) log.debug(`Request: ${describeRequest(args.body)}`);
    const dropped = whyDropped(args.body);
    if (dropped) {
      log.warn(dropped);
      return;
    }
    if (await refuseOverLimit(args, deps.limits, log)) return;
    await track(args.next());
  };
}

type Listener<A> = (args: A) => Promise<void>;
type AnyEventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;

/** A listener given its request's logger (set by the gate) in place of the bot's. */
function withRequestLogger<A extends AllMiddlewareArgs>(listener: Listener<A>): Listener<A> {
  return (args) => listener({ ...args, logger: (args.context.requestLogger as Logger | undefined) ?? args.logger });
}

/**
 * One Bolt listener for a kind of payload, routing by its id inside: Bolt
 * runs every listener's matchers for every request, so eighteen listeners
 * cost each request eighteen chains (npm run bench). An id no route knows (a
 * link button, a message an earlier version posted) is acknowledged and left.
 */
function routed<A extends AllMiddlewareArgs & { ack: () => Promise<void> }>(routes: Record<string, Listener<A>>, idOf: (args: A) => string): Listener<A> {
  return async (args) => {
    const id = idOf(args);
    const listener = Object.hasOwn(routes, id) ? routes[id] : undefined;
    if (listener) return listener(args);
    args.logger.debug(`No route for ${id.slice(0, 100)}; acknowledged`);
    await args.ack();
  };
}

export function registerListeners(app: App, deps: ListenerDeps, tracing: RequestTracing): void {
  app.use(gate(deps, tracing));
  app.command(COMMAND, withRequestLogger(command.handleCommand(deps)));
  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions' },
    withRequestLogger(routed({ ...rotationActions.routes(deps), ...appHome.actionRoutes(deps) }, ({ action }) => action.action_id)),
  );
  app.view<ViewSubmitAction>(
    { type: 'view_submission' },
    withRequestLogger(routed({ ...requestSubmission.routes(deps), ...stepSubmissions.routes(deps) }, ({ view }) => view.callback_id)),
  );
  // The custom workflow steps (manifest.yml's functions), by the step's callback id.
  const steps = routed<workflowSteps.FunctionArgs>(workflowSteps.routes(deps), ({ event }) => event.function.callback_id);
  // Events are one listener too, routed by type: each listener more runs its matchers on every request.
  // The types are manifest.yml's bot_events (message.channels and message.groups are `message`).
  const events: Record<string, Listener<AnyEventArgs>> = {
    app_home_opened: (args) => appHome.homeOpened(deps, args as unknown as appHome.HomeOpenedArgs),
    message: (args) => threadMessages.threadMessage(deps, args as unknown as threadMessages.MessageArgs),
    function_executed: (args) => steps(args as unknown as workflowSteps.FunctionArgs),
  };
  app.event(
    new RegExp(`^(?:${Object.keys(events).join('|')})$`),
    withRequestLogger<AnyEventArgs>(async (args) => {
      const listener = Object.hasOwn(events, args.event.type) ? events[args.event.type] : undefined;
      await listener?.(args);
    }),
  );
}
