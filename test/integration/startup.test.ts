import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordLogOutput } from '../support/log-capture';

/**
 * Black-box: the compiled entry point, started the way `npm start` and the
 * Docker image start it, with nothing configured.
 */
const ENTRY = join(__dirname, '..', '..', 'dist', 'src', 'index.js');

function requireBuild(): void {
  if (!existsSync(ENTRY)) {
    throw new Error(`${ENTRY} is missing: run \`npm run build\` before this suite (npm test builds first).`);
  }
}

function run(env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${ENTRY} did not exit within ${timeoutMs} ms; output so far:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      recordLogOutput(output);
      resolve({ code, signal, output });
    });
  });
}

describe('starting with no configuration', () => {
  let cwd: string;

  beforeAll(requireBuild);
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'wfi-rotate-startup-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('exits 1 with one readable message naming every missing variable, and no stack trace', async () => {
    const { code, signal, output } = await run({ PATH: process.env.PATH }, cwd, 15000);

    expect({ code, signal }).toEqual({ code: 1, signal: null });
    for (const variable of ['SLACK_BOT_TOKEN', 'WFI_APPROVERS', 'SLACK_SIGNING_SECRET']) {
      expect(output).toContain(variable);
    }
    expect(output.split('\n').filter((line) => /^\s+at /.test(line))).toEqual([]);
    // It stopped before touching the store: no data directory appeared.
    expect(readdirSync(cwd)).toEqual([]);
  });
});
