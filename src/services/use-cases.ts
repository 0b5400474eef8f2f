import { todayIn } from '../domain/calendar';
import type { RefusalOf, Refusal } from '../domain/errors';
import { precheck, startPlannedRefusal, type ActionType } from '../domain/lifecycle';
import { approverFlag, type ExportFormat } from '../domain/ports';
import type { AuditEntry, Rotation, RotationRequest, Workspace } from '../domain/rotation';
import { validateRotationRequest, type FieldErrors, type RawRotationRequest } from '../domain/rotation-request';
import { openedHome } from './dashboards';
import type { ServiceDeps } from './lifecycle-deps';
import { announceExposure, reportSecretExposure, type ExposureReport, type RecordedExposure } from './report-secret-exposure';
import { announceRotation, saveNewRotation, startPlanned, type StartPlannedOutcome } from './request-rotation';
import { openRotationsFor, rotationStatus, type RotationStatus } from './rotation-queries';
import type { RotationView } from './dashboards';
import { sendRotationExport } from './send-export';
import { awaitFromStep, requestFromStep, type StepAwaitOutcome, type StepRequestOutcome } from './workflow-steps';
import type { WaitingStep } from '../domain/ports';
import { announceTransition, transitionRotation, type TransitionOutcome, type TransitionRequest } from './transition-rotation';

/**
 * Every use case of the bot, by name: the only way in for the Slack listeners
 * (and for any other entry point: a workflow step, a command-line tool). Each
 * takes plain values, never a Slack payload, and answers with a result or a
 * refusal; faults are thrown (see domain/errors.ts).
 */
export interface UseCases {
  /** The request form, checked field by field. */
  checkRequest(form: RawRotationRequest): { ok: true; request: RotationRequest } | { ok: false; fieldErrors: FieldErrors };
  /** A checked request, saved as a new rotation (its reminders follow when it is announced), with the workspace it came from when known. */
  saveRequest(request: RotationRequest, requesterId: string, workspace?: Workspace): Promise<Rotation>;
  /** A planned next cycle started by its team (or an approver) with the start form's values. */
  startPlannedCycle(plannedId: string, form: Pick<RawRotationRequest, 'deadline' | 'attendeeIds' | 'notes' | 'rotationIntervalDays'>, starterId: string): Promise<StartPlannedOutcome>;
  /** Posts a saved rotation's message; the dashboards follow shortly. A Slack failure never undoes the rotation. */
  announceRotation(rotation: Rotation): Promise<void>;
  /** The rotation as stored, to draw a form for it. */
  findRotation(id: string): Promise<Rotation | undefined>;
  /** Why a step would be refused to this person now (the version, the state, the role), or undefined. */
  stepRefusal(rotation: Rotation, step: ActionType, userId: string, expectedVersion: number): Promise<Refusal | undefined>;
  /** Why starting this planned cycle would be refused to this person, or undefined. */
  startRefusal(planned: Rotation, userId: string): Promise<Refusal | undefined>;
  /** One step, exactly once. */
  takeStep(request: TransitionRequest): Promise<TransitionOutcome>;
  /** The message, its thread, the join link to those who get it, and (shortly after) the dashboards, after a step. */
  announceStep(rotation: Rotation, entry: AuditEntry): Promise<void>;
  /** `status`: one rotation for one person. */
  rotationStatus(id: string, viewerId: string): Promise<RotationStatus | undefined>;
  /** `list`: the open rotations one person may see. */
  openRotations(viewerId: string): Promise<RotationView>;
  /** `export`: the whole audit trail, to an approver in a direct message, as CSV or JSON Lines. */
  sendExport(userId: string, format?: ExportFormat): Promise<{ ok: true; rotations: number } | { ok: false; error: RefusalOf<'NOT_AN_APPROVER' | 'APPROVER_UNKNOWN'> }>;
  /**
   * A person opened the Home tab: they are recorded (changes refresh their
   * Home from now on) and their Home is published at once. `viewHash` is the
   * hash of the Home they have open, when Slack sent one.
   */
  refreshHome(userId: string, viewHash?: string): Promise<void>;
  /** A secret-looking reply in a rotation's thread: recorded in its audit trail. */
  reportExposure(report: ExposureReport): Promise<RecordedExposure | undefined>;
  announceExposure(recorded: RecordedExposure): Promise<void>;
  /**
   * A workflow's `request_rotation` step: the request form's checks on its
   * inputs, then one rotation per execution however often Slack delivers it
   * (`created` says whether this call made it; announce it only then).
   */
  requestFromStep(step: { executionId: string; form: RawRotationRequest; requesterId: string; workspace?: Workspace }): Promise<StepRequestOutcome>;
  /** A workflow's `await_rotation` step: settled now if the rotation has finished, else recorded to be settled when it does. */
  awaitRotation(step: WaitingStep, rotationId: string): Promise<StepAwaitOutcome>;
}

/** What the use cases need besides their ports: the checks of what people type. */
export interface UseCaseSettings {
  instanceDomain: string;
}

export function useCases(deps: ServiceDeps, settings: UseCaseSettings): UseCases {
  const isApprover = async (userId: string) => approverFlag(await deps.approvers.statusOf(userId));
  return {
    checkRequest(form) {
      const checked = validateRotationRequest(form, { instanceDomain: settings.instanceDomain, today: todayIn(deps.policy.calendar, deps.clock.now()) });
      return checked.ok ? checked : { ok: false, fieldErrors: checked.errors };
    },
    saveRequest: (request, requesterId, workspace) => saveNewRotation(deps, request, requesterId, workspace),
    startPlannedCycle: (plannedId, form, starterId) => startPlanned(deps, plannedId, form, starterId, settings),
    async announceRotation(rotation) {
      await announceRotation(deps, rotation);
    },
    findRotation: (id) => deps.store.get(id),
    async stepRefusal(rotation, step, userId, expectedVersion) {
      return precheck(rotation, { type: step }, { actor: { userId, isApprover: await isApprover(userId) }, allowSelfApproval: deps.allowSelfApproval, expectedVersion });
    },
    async startRefusal(planned, userId) {
      return startPlannedRefusal(planned, { userId, isApprover: await isApprover(userId) });
    },
    takeStep: (request) => transitionRotation(deps, request),
    announceStep: (rotation, entry) => announceTransition(deps, rotation, entry),
    rotationStatus: (id, viewerId) => rotationStatus(deps, id, viewerId),
    openRotations: (viewerId) => openRotationsFor(deps, viewerId),
    async sendExport(userId, format = 'csv') {
      // The whole audit trail of every rotation is evidence for approvers and auditors, not for everyone.
      const status = await deps.approvers.statusOf(userId);
      if (status !== 'approver') return { ok: false, error: { code: status === 'unknown' ? 'APPROVER_UNKNOWN' : 'NOT_AN_APPROVER' } };
      return { ok: true, rotations: await sendRotationExport(deps, userId, format) };
    },
    refreshHome: (userId, viewHash) => openedHome(deps, userId, viewHash),
    reportExposure: (report) => reportSecretExposure(deps, report),
    announceExposure: (recorded) => announceExposure(deps, recorded),
    requestFromStep: (step) => requestFromStep(deps, step, settings),
    awaitRotation: (step, rotationId) => awaitFromStep(deps, step, rotationId),
  };
}
