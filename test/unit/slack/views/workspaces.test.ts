import type { Rotation } from '../../../../src/domain/rotation';
import { buildAppHome } from '../../../../src/slack/views/app-home';
import { buildDigest } from '../../../../src/slack/views/digest';
import { buildRotationList } from '../../../../src/slack/views/rotation-list';
import { buildRotationStatus } from '../../../../src/slack/views/status';
import { expectWithinBlockKitLimits } from '../../../support/block-kit';
import { aPlannedRotation, aRotation, aRotationIn } from '../../../../testkit/rotations';
import { allText, context, contextTexts, sectionTexts } from './view-helpers';

/*
 * On an org-wide install an approver sees the rotations of every workspace of
 * the org together: `list`, App Home and `status` say each one's workspace.
 * On a workspace install they read as they always did.
 */

const NOW = new Date('2026-03-10T09:00:00Z');
const ORG = { teamId: 'T0TEAM002', enterpriseId: 'E0ORG0001' };
const inTeam2 = aRotation({ id: 'ROT-TEAM02', deadline: '2026-04-17', workspace: ORG });
const older = aRotation({ id: 'ROT-OLDER1', deadline: '2026-04-17' });
// A next cycle keeps its team's workspace.
const { planned } = aPlannedRotation({ workspace: ORG }, 'ROT-PLAN02');

const list = (rotations: Rotation[], orgWide?: boolean) =>
  buildRotationList(rotations, { ...context({ now: NOW, ...(orgWide ? { orgWide } : {}) }), scope: 'all' });
const home = (rotations: Rotation[], orgWide?: boolean) =>
  buildAppHome(rotations, { ...context({ now: NOW, ...(orgWide ? { orgWide } : {}) }), leadBusinessDays: 10, viewerId: 'U0VIEWER', scope: 'all' });
const digest = (rotations: Rotation[], orgWide?: boolean) => buildDigest(rotations, context({ now: NOW, ...(orgWide ? { orgWide } : {}) }));
const done = aRotationIn('completed', { id: 'ROT-DONE02', workspace: ORG });
const status = (rotation: Rotation, orgWide?: boolean) =>
  buildRotationStatus(rotation, { ...context({ now: NOW, ...(orgWide ? { orgWide } : {}) }), showJoinLink: false });

describe('the workspace of each rotation on an org-wide install', () => {
  it('is in `list`, after the instance, and left out for a rotation made before it was recorded', () => {
    const texts = sectionTexts(list([inTeam2, older], true));
    expect(texts.find((t) => t.includes('ROT-TEAM02'))).toContain('acme.wfi.pega.com · workspace `T0TEAM002`');
    expect(texts.find((t) => t.includes('ROT-OLDER1'))).not.toContain('workspace');
  });

  it('is on App Home, for open and planned rotations', () => {
    const view = home([inTeam2, planned], true);
    expectWithinBlockKitLimits('home', view);
    const texts = sectionTexts(view);
    expect(texts.find((t) => t.startsWith('*`ROT-TEAM02`*'))).toContain('workspace `T0TEAM002`');
    expect(texts.find((t) => t.startsWith('*`ROT-PLAN02`*'))).toContain('workspace `T0TEAM002`');
  });

  it('is in App Home\'s recently completed rotations', () => {
    const line = sectionTexts(home([done], true)).find((t) => t.includes('ROT-DONE02')) ?? '';
    expect(line).toContain('`ROT-DONE02` https://acme.wfi.pega.com · workspace `T0TEAM002`: secret received');
  });

  it('is in the weekly digest, for open and planned rotations', () => {
    const message = digest([inTeam2, planned], true);
    expectWithinBlockKitLimits('message', message);
    const text = allText(message);
    expect(text).toMatch(/ROT-TEAM02.*acme\.wfi\.pega\.com · workspace `T0TEAM002`/);
    expect(text).toMatch(/ROT-PLAN02.*acme\.wfi\.pega\.com · workspace `T0TEAM002`/);
  });

  it('is in `status`, beside where the message is', () => {
    const message = status(inTeam2, true);
    expectWithinBlockKitLimits('message', message);
    expect(contextTexts(message).at(-1)).toBe('The message was not posted yet. · workspace `T0TEAM002`');
  });

  it('is escaped and cut short when the record is damaged', () => {
    const damaged = aRotation({ id: 'ROT-DAMAGE', workspace: { teamId: `<!channel>${'X'.repeat(60)}` } });
    const line = sectionTexts(list([damaged], true)).find((t) => t.includes('ROT-DAMAGE')) ?? '';
    expect(line).not.toContain('<!channel>');
    expect(line).toContain('&lt;!channel&gt;');
    expect(line.length).toBeLessThan(400);
  });

  it('is never said on a workspace install, even of a rotation that knows its workspace', () => {
    expect(allText(list([inTeam2]))).not.toContain('workspace');
    expect(allText(home([inTeam2, planned]))).not.toContain('T0TEAM002');
    expect(allText(status(inTeam2))).not.toContain('T0TEAM002');
    expect(allText(home([done]))).not.toContain('T0TEAM002');
    expect(allText(digest([inTeam2, planned]))).not.toContain('T0TEAM002');
    expect(list([inTeam2])).toEqual(list([{ ...inTeam2, workspace: undefined } as Rotation]));
  });
});
