import { CodedError } from '../../../../src/domain/errors';
import type { RotationAction } from '../../../../src/domain/lifecycle';
import { JOIN_LINK_HOST_ERROR } from '../../../../src/domain/step-inputs';
import { stepSubmitted } from '../../../../src/slack/listeners/step-submissions';
import { MODALS, MY_TIME_ZONE, STEP_BLOCKS } from '../../../../src/slack/ids';
import { encodeStepMeta } from '../../../../src/slack/parse/step-meta';
import { explainRefusal } from '../../../../src/slack/views/refusals';
import { REQUESTER, stepStates } from '../../../../testkit/payloads';
import { aTakenStep, callOrder, fakeDeps, noticeText, onlyCallOf, submissionArgs, type DepsOverrides } from './helpers';

const META = encodeStepMeta({ rotationId: 'ROT-4F7K2Q', version: 3 });
const UNREADABLE = 'This form could not be read. Please use the button on the rotation message again.';
const BUSY = 'Someone else was changing this rotation at the same moment, so this step was not saved. Nothing was saved; please try again.';
const UNREACHABLE = 'The bot could not save this step (its store did not answer). Nothing was saved; please try again.';

type Values = Record<string, Record<string, Record<string, unknown>>>;

const meeting = (overrides: Partial<Parameters<typeof stepStates.meeting>[0]> = {}) =>
  stepStates.meeting({
    platform: 'Webex',
    date: '2026-03-24',
    time: '15:00',
    timeZone: 'Europe/Berlin',
    joinUrl: 'https://acme.webex.com/meet/handoff',
    attendeeIds: ['U0ATTENDEE'],
    ...overrides,
  });

/** Each step form filled in well, and the action it asks for. */
const FILLED: Array<[string, Values, RotationAction]> = [
  [MODALS.reject, stepStates.reason('Not due yet'), { type: 'reject', reason: 'Not due yet' }],
  [MODALS.cancel, stepStates.reason('Instance decommissioned'), { type: 'cancel', reason: 'Instance decommissioned' }],
  [MODALS.submission, stepStates.submission('CS-0123456', '2026-02-20'), { type: 'record_submission', caseNumber: 'CS-0123456', submittedOn: '2026-02-20' }],
  [
    MODALS.meeting,
    meeting(),
    {
      type: 'schedule_meeting',
      meeting: {
        platform: 'Webex',
        startsAt: '2026-03-24T14:00:00.000Z',
        timeZone: 'Europe/Berlin',
        joinUrl: 'https://acme.webex.com/meet/handoff',
        attendeeIds: ['U0ATTENDEE'],
      },
    },
  ],
  [MODALS.completion, stepStates.completion(['vault', 'integrations']), { type: 'complete', confirmations: ['vault', 'integrations'] }],
];

/** The block each form shows a fault on (the texts are explainStepFault's). */
const FIRST_BLOCKS: Array<[string, string, Values]> = [
  [MODALS.reject, STEP_BLOCKS.reason, stepStates.reason('Not due yet')],
  [MODALS.cancel, STEP_BLOCKS.reason, stepStates.reason('Instance decommissioned')],
  [MODALS.submission, STEP_BLOCKS.caseNumber, stepStates.submission('CS-0123456', '2026-02-20')],
  [MODALS.meeting, STEP_BLOCKS.platform, meeting()],
  [MODALS.completion, STEP_BLOCKS.confirmations, stepStates.completion([])],
];

const form = (callbackId: string, values: Values, privateMetadata = META) => submissionArgs({ callbackId, values, privateMetadata });

async function submit(callbackId: string, values: Values, options: { deps?: DepsOverrides; privateMetadata?: string } = {}) {
  const deps = fakeDeps(options.deps);
  const args = form(callbackId, values, options.privateMetadata);
  await stepSubmitted(deps, callbackId, args);
  return { deps, args };
}

/** The one acknowledgement, when it showed errors on the form's blocks. */
function errorsShown(ack: jest.Mock): Record<string, string> {
  const answer = onlyCallOf(ack) as { response_action: string; errors: Record<string, string> };
  expect(answer.response_action).toBe('errors');
  return answer.errors;
}

describe('stepSubmitted', () => {
  describe('a form filled in well', () => {
    it.each(FILLED)('given %s, when submitted, then the step it asks for is taken by the submitter at the form’s version', async (callbackId, values, action) => {
      const { deps } = await submit(callbackId, values);

      expect(deps.useCases.takeStep).toHaveBeenCalledWith({ rotationId: 'ROT-4F7K2Q', actorId: REQUESTER, action, expectedVersion: 3 });
    });

    it.each(FILLED)('given %s, when the step is taken, then the form closes with a plain acknowledgement and the step is announced after it', async (callbackId, values) => {
      const taken = aTakenStep();
      const { deps, args } = await submit(callbackId, values, { deps: { useCases: { takeStep: async () => taken } } });

      expect(args.ack).toHaveBeenCalledWith();
      expect(deps.useCases.announceStep).toHaveBeenCalledWith(taken.rotation, taken.entry);
      expect(callOrder({ step: deps.useCases.takeStep, ack: args.ack, announce: deps.useCases.announceStep })).toEqual(['step', 'ack', 'announce']);
    });
  });

  describe('fields that do not pass the checks', () => {
    it('given an empty reason, when submitted, then the error is shown on the reason block and no step is taken', async () => {
      const { deps, args } = await submit(MODALS.reject, stepStates.reason('   '));

      expect(errorsShown(args.ack)).toEqual({ [STEP_BLOCKS.reason]: 'Give a short reason' });
      expect(deps.useCases.takeStep).not.toHaveBeenCalled();
    });

    it('given a submission date after today (the clock’s), when submitted, then the error is shown on the date block', async () => {
      const { deps, args } = await submit(MODALS.submission, stepStates.submission('CS-0123456', '2026-02-21'));

      expect(Object.keys(errorsShown(args.ack))).toEqual([STEP_BLOCKS.submittedOn]);
      expect(deps.useCases.takeStep).not.toHaveBeenCalled();
    });

    it('given a meeting that already started (by the clock’s now), when submitted, then the error is shown on the date block', async () => {
      const { args } = await submit(MODALS.meeting, meeting({ date: '2026-02-20', time: '10:30' }));

      expect(errorsShown(args.ack)).toEqual({ [STEP_BLOCKS.date]: 'The meeting must be in the future' });
    });

    it('given a join link on a host that is not a meeting service, when submitted, then the error is shown on the join link block', async () => {
      const { args } = await submit(MODALS.meeting, meeting({ joinUrl: 'https://meet.acme.example/handoff' }));

      expect(errorsShown(args.ack)).toEqual({ [STEP_BLOCKS.joinUrl]: JOIN_LINK_HOST_ERROR });
    });

    it('given that host configured as a meeting host, when submitted, then the step is taken with the link', async () => {
      const { deps } = await submit(MODALS.meeting, meeting({ joinUrl: 'https://meet.acme.example/handoff' }), { deps: { settings: { meetingHosts: ['acme.example'] } } });

      const request = onlyCallOf(deps.useCases.takeStep) as { action: { meeting: { joinUrl: string } } };
      expect(request.action.meeting.joinUrl).toBe('https://meet.acme.example/handoff');
    });
  });

  describe('"My Slack time zone" on the meeting form', () => {
    it('given the zone was looked up when the form opened, when submitted, then the meeting is in that zone', async () => {
      const privateMetadata = encodeStepMeta({ rotationId: 'ROT-4F7K2Q', version: 3, myTimeZone: 'America/Chicago' });

      const { deps } = await submit(MODALS.meeting, meeting({ timeZone: MY_TIME_ZONE }), { privateMetadata });

      const request = onlyCallOf(deps.useCases.takeStep) as { action: { meeting: { timeZone: string; startsAt: string } } };
      expect(request.action.meeting).toMatchObject({ timeZone: 'America/Chicago', startsAt: '2026-03-24T20:00:00.000Z' });
    });

    it('given the zone could not be looked up, when submitted, then the person is asked to choose one, without asking Slack', async () => {
      const { deps, args } = await submit(MODALS.meeting, meeting({ timeZone: MY_TIME_ZONE }));

      expect(errorsShown(args.ack)).toEqual({ [STEP_BLOCKS.timeZone]: 'Your Slack time zone could not be read; choose a time zone from the list' });
      expect(deps.userTimeZone).not.toHaveBeenCalled();
      expect(deps.useCases.takeStep).not.toHaveBeenCalled();
    });
  });

  describe('a form that cannot be read', () => {
    it.each([
      ['empty', ''],
      ['not JSON', 'ROT-4F7K2Q:3'],
      ['without a version', JSON.stringify({ rotationId: 'ROT-4F7K2Q' })],
      ['with an id the bot cannot have made', JSON.stringify({ rotationId: 'ROT-000000', version: 3 })],
    ])('given private_metadata that is %s, when submitted, then the form is replaced by a notice and no step is taken', async (_case, privateMetadata) => {
      const { deps, args } = await submit(MODALS.reject, stepStates.reason('Not due yet'), { privateMetadata });

      const answer = onlyCallOf(args.ack) as { response_action: string; view: unknown };
      expect(answer.response_action).toBe('update');
      expect(noticeText(answer.view)).toBe(UNREADABLE);
      expect(deps.useCases.takeStep).not.toHaveBeenCalled();
      expect(args.logger.warn).toHaveBeenCalledWith(expect.stringContaining(MODALS.reject));
    });

    it('given a callback_id no step form has, when submitted, then the form is replaced by a notice and no step is taken', async () => {
      const { deps, args } = await submit('wfi_unknown', stepStates.reason('Not due yet'));

      expect(noticeText((onlyCallOf(args.ack) as { view: unknown }).view)).toBe(UNREADABLE);
      expect(deps.useCases.takeStep).not.toHaveBeenCalled();
    });
  });

  describe('a step that is refused or fails', () => {
    it('given the step is refused (out of date), when submitted, then the form is replaced by why and nothing is announced', async () => {
      const { deps, args } = await submit(MODALS.cancel, stepStates.reason('Instance decommissioned'), {
        deps: { useCases: { takeStep: async () => ({ ok: false, error: { code: 'STALE', status: 'submitted' } }) } },
      });

      const answer = onlyCallOf(args.ack) as { response_action: string; view: unknown };
      expect(answer.response_action).toBe('update');
      expect(noticeText(answer.view)).toBe(explainRefusal({ code: 'STALE', status: 'submitted' }, 'ROT-4F7K2Q'));
      expect(deps.useCases.announceStep).not.toHaveBeenCalled();
    });

    it.each(FIRST_BLOCKS)('given the store was busy, when %s is submitted, then the form says so on its %s block', async (callbackId, block, values) => {
      const { deps, args } = await submit(callbackId, values, {
        deps: { useCases: { takeStep: async () => Promise.reject(new CodedError('STORE_BUSY', 'ROT-4F7K2Q is locked')) } },
      });

      expect(errorsShown(args.ack)).toEqual({ [block]: BUSY });
      expect(deps.useCases.announceStep).not.toHaveBeenCalled();
    });

    it('given the store did not answer, when submitted, then the form says the step could not be saved and the failure is logged', async () => {
      const { deps, args } = await submit(MODALS.reject, stepStates.reason('Not due yet'), {
        deps: { useCases: { takeStep: async () => Promise.reject(new Error('connection refused')) } },
      });

      expect(errorsShown(args.ack)).toEqual({ [STEP_BLOCKS.reason]: UNREACHABLE });
      expect(args.logger.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
      expect(deps.useCases.announceStep).not.toHaveBeenCalled();
    });
  });
});
