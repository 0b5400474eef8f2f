import { jsonLineProblem, leaksIn } from '../../support/global-teardown';
import { TEST_WFI_SECRET } from '../../support/secrets';

/** The log scan at the end of the run, on the lines of a bot that logged as JSON: what it lets through and what fails the run. */
describe('the log scan of JSON lines', () => {
  it('given a line as the bot writes it, when scanned, then it passes', () => {
    expect(jsonLineProblem('{"level":"info","time":"2026-03-02T10:00:00.000Z","requestId":"ab12cd34","message":"Request: /wfi-rotate"}')).toBeUndefined();
  });

  it.each([
    ['INFO wfi-rotate is running', 'is not JSON'],
    ['{"level":"info","time":"2026-03-02T10:00:00.000Z","message":"cut', 'is not JSON'],
    ['["info","running"]', 'is not a JSON object'],
    ['{"level":"info","message":"no time"}', 'has no time'],
    ['{"time":"2026-03-02T10:00:00.000Z","level":30,"msg":"pino\'s defaults"}', 'has no level, message'],
  ])('given %j, when scanned, then it is refused: %s', (line, problem) => {
    expect(jsonLineProblem(line)).toBe(problem);
  });

  it('given a secret hidden behind JSON escapes in the message, when scanned, then it is found once the line is read as JSON', () => {
    // Two letters written as \u escapes: the raw line holds neither the secret nor a run the detector flags.
    const escaped = [...TEST_WFI_SECRET].map((c, i) => (i === 10 || i === 20 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
    const line = `{"level":"info","time":"2026-03-02T10:00:00.000Z","message":"notes: ${escaped}"}`;

    expect(leaksIn(line)).toBeUndefined();
    expect(jsonLineProblem(line)).toMatch(/test secret/);
  });

  it('given the WFI secret in a line, when scanned, then it leaks whatever the format', () => {
    expect(leaksIn(`INFO notes: ${TEST_WFI_SECRET}`)).toMatch(/test secret/);
    expect(jsonLineProblem(`{"level":"info","time":"t","message":"notes: ${TEST_WFI_SECRET}"}`)).toMatch(/test secret/);
  });
});
