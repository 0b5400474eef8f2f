import { approverFlag } from '../../../src/domain/ports';

describe('approverFlag', () => {
  it.each([
    ['approver', true],
    ['not_approver', false],
    // Slack did not answer in time: left unknown, so a step that needs approver rights asks to try again (APPROVER_UNKNOWN).
    ['unknown', 'unknown'],
  ] as const)('given the directory says %s, when the actor is built, then isApprover is %p', (status, flag) => {
    expect(approverFlag(status)).toBe(flag);
  });
});
