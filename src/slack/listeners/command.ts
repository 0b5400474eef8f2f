import type { App, SlashCommand } from '@slack/bolt';
import { parseRotationId } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { COMMAND } from '../ids';
import { openRotationsFor, rotationStatus } from '../../services/rotation-queries';
import { sendRotationExport } from '../../services/send-export';
import { toScheduleView } from '../views/reminder-schedule';
import { buildHelp, buildNotFound } from '../views/command-replies';
import { buildRotationList } from '../views/rotation-list';
import { buildRotationStatus } from '../views/status';
import { buildRequestModal } from '../views/request-modal';
import { explainRefusal } from '../views/refusals';

export const STORE_READ_FAILURE = 'The bot cannot reach its store right now, so it cannot show rotations. Please try again in a minute.';

export const EXPORT_REFUSAL =
  'Only the approvers named in the bot\'s configuration can export the rotations and their history. `/wfi-rotate status ROT-XXXXXX` shows one rotation with its history.';

/** A channel the conversation picker can preselect: public or private channels, not DMs. */
function defaultChannel(deps: ListenerDeps, command: SlashCommand): string | undefined {
  if (deps.config.reminderChannelId) return deps.config.reminderChannelId;
  return /^[CG]/.test(command.channel_id) ? command.channel_id : undefined;
}

export function register(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, async ({ command, ack, client, respond, logger }) => {
    const [subcommand = '', ...args] = command.text.trim().split(/\s+/);
    switch (subcommand.toLowerCase()) {
      case '': {
        // Ack first and open the modal straight after: the trigger_id dies 3 s
        // after the click, so nothing slow may come between.
        await ack();
        try {
          await client.views.open({
            trigger_id: command.trigger_id,
            view: buildRequestModal({
              requesterId: command.user_id,
              channelId: defaultChannel(deps, command),
              instanceDomain: deps.config.instanceDomain,
              ...(deps.config.rotationIntervalDays ? { intervalDays: deps.config.rotationIntervalDays } : {}),
            }),
          });
        } catch (error) {
          logger.error(`views.open failed: ${(error as Error).message}`);
          await respond({ response_type: 'ephemeral', text: 'The request form could not be opened. Please run the command again.' });
        }
        return;
      }
      case 'status': {
        await ack();
        const idText = args.join(' ');
        const id = parseRotationId(idText);
        try {
          const found = id ? await rotationStatus(deps.services, id, command.user_id) : undefined;
          const reply = found
            ? buildRotationStatus(found.rotation, {
                ...deps.messageContext(),
                ...toScheduleView(found.reminders),
                showJoinLink: found.seesEverything,
              })
            : buildNotFound(idText || '(none)');
          await respond({ response_type: 'ephemeral', ...reply });
        } catch (error) {
          logger.error(`status ${id ?? '?'} failed: ${(error as Error).message}`);
          await respond({ response_type: 'ephemeral', text: STORE_READ_FAILURE });
        }
        return;
      }
      case 'list': {
        await ack();
        try {
          const view = await openRotationsFor(deps.services, command.user_id);
          await respond({ response_type: 'ephemeral', ...buildRotationList(view.rotations, { ...deps.messageContext(), scope: view.scope }) });
        } catch (error) {
          logger.error(`list failed: ${(error as Error).message}`);
          await respond({ response_type: 'ephemeral', text: STORE_READ_FAILURE });
        }
        return;
      }
      case 'export': {
        // Acknowledged first: the approver check may read a user group from Slack.
        await ack();
        try {
          // The whole audit trail of every rotation is evidence for approvers and auditors, not for everyone.
          const status = await deps.services.approvers.statusOf(command.user_id);
          if (status !== 'approver') {
            await respond({ response_type: 'ephemeral', text: status === 'unknown' ? explainRefusal({ code: 'APPROVER_UNKNOWN' }, '') : EXPORT_REFUSAL });
            return;
          }
          await sendRotationExport(deps.services, command.user_id);
        } catch (error) {
          logger.error(`export failed: ${(error as Error).message}`);
          await respond({ response_type: 'ephemeral', text: 'The export could not be sent. Please try again in a minute.' });
        }
        return;
      }
      default:
        // `help`, and anything unrecognised: usage is the useful answer to both.
        await ack({ response_type: 'ephemeral', ...buildHelp(deps.config.leadBusinessDays) });
    }
  });
}
