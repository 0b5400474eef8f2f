import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import { isChannelId, parseRotationId } from '../../domain/rotation';
import type { ListenerDeps } from '../deps';
import { EXPORT_FORMATS, type ExportFormat } from '../../domain/ports';
import { buildExportFormats, buildHelp, buildNotFound } from '../views/command-replies';
import { explainRefusal, EXPORT_REFUSAL, STORE_READ_FAILURE } from '../views/refusals';
import { toScheduleView } from '../views/reminder-schedule';
import { buildRequestModal } from '../views/request-modal';
import { buildRotationList } from '../views/rotation-list';
import { buildRotationStatus } from '../views/status';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** A channel the conversation picker can preselect: public or private channels, not DMs. */
function defaultChannel(deps: ListenerDeps, command: SlashCommand): string | undefined {
  return deps.settings.reminderChannelId ?? (isChannelId(command.channel_id) ? command.channel_id : undefined);
}

/** `/wfi-rotate`: the request form. Acknowledged first and opened straight after: the trigger_id dies 3 s after the command. */
export async function openRequestForm(deps: ListenerDeps, { command, ack, client, respond, logger }: CommandArgs): Promise<void> {
  await ack();
  try {
    await client.views.open({
      trigger_id: command.trigger_id,
      view: buildRequestModal({
        requesterId: command.user_id,
        channelId: defaultChannel(deps, command),
        instanceDomain: deps.settings.instanceDomain,
        ...(deps.settings.rotationIntervalDays ? { intervalDays: deps.settings.rotationIntervalDays } : {}),
      }),
    });
  } catch (error) {
    logger.error(`views.open failed: ${(error as Error).message}`);
    await respond({ response_type: 'ephemeral', text: 'The request form could not be opened. Please run the command again.' });
  }
}

/** `/wfi-rotate status ID`: the rotation as this person may see it, privately. */
export async function replyStatus(deps: ListenerDeps, { command, ack, respond, logger }: CommandArgs, idText: string): Promise<void> {
  await ack();
  const id = parseRotationId(idText);
  try {
    const found = id ? await deps.useCases.rotationStatus(id, command.user_id) : undefined;
    const reply = found
      ? buildRotationStatus(found.rotation, { ...deps.messageContext(), ...toScheduleView(found.reminders), showJoinLink: found.seesEverything })
      : buildNotFound(idText || '(none)');
    await respond({ response_type: 'ephemeral', ...reply });
  } catch (error) {
    logger.error(`status ${id ?? '?'} failed: ${(error as Error).message}`);
    await respond({ response_type: 'ephemeral', text: STORE_READ_FAILURE });
  }
}

/** `/wfi-rotate list`: the open rotations this person may see, privately. */
export async function replyList(deps: ListenerDeps, { command, ack, respond, logger }: CommandArgs): Promise<void> {
  await ack();
  try {
    const view = await deps.useCases.openRotations(command.user_id);
    await respond({ response_type: 'ephemeral', ...buildRotationList(view.rotations, { ...deps.messageContext(), scope: view.scope }) });
  } catch (error) {
    logger.error(`list failed: ${(error as Error).message}`);
    await respond({ response_type: 'ephemeral', text: STORE_READ_FAILURE });
  }
}

/** The format after `export`: CSV when none is given; undefined for anything else. */
function exportFormat(text: string): ExportFormat | undefined {
  const asked = text.trim().toLowerCase() || 'csv';
  return EXPORT_FORMATS.find((format) => format === asked);
}

/**
 * `/wfi-rotate export [csv|jsonl]`: acknowledged first, as the approver check
 * may read a user group from Slack; an unknown format gets the formats there is.
 */
export async function sendExport(deps: ListenerDeps, { command, ack, respond, logger }: CommandArgs, formatText = ''): Promise<void> {
  const format = exportFormat(formatText);
  if (!format) {
    await ack({ response_type: 'ephemeral', ...buildExportFormats(formatText) });
    return;
  }
  await ack();
  try {
    const sent = await deps.useCases.sendExport(command.user_id, format);
    if (!sent.ok) {
      await respond({ response_type: 'ephemeral', text: sent.error.code === 'APPROVER_UNKNOWN' ? explainRefusal(sent.error, '') : EXPORT_REFUSAL });
    }
  } catch (error) {
    logger.error(`export failed: ${(error as Error).message}`);
    await respond({ response_type: 'ephemeral', text: 'The export could not be sent. Please try again in a minute.' });
  }
}

/** The slash command: the subcommand picks the answer; `help` and anything unrecognised get the usage. */
export function handleCommand(deps: ListenerDeps): (args: CommandArgs) => Promise<void> {
  return async (args) => {
    const [subcommand = '', ...rest] = args.command.text.trim().split(/\s+/);
    switch (subcommand.toLowerCase()) {
      case '':
        return openRequestForm(deps, args);
      case 'status':
        return replyStatus(deps, args, rest.join(' '));
      case 'list':
        return replyList(deps, args);
      case 'export':
        return sendExport(deps, args, rest.join(' '));
      default:
        await args.ack({ response_type: 'ephemeral', ...buildHelp(deps.settings.leadBusinessDays) });
    }
  };
}
