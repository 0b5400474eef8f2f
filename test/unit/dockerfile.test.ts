import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * No Docker engine runs here, so the image's hardening is read from the
 * Dockerfile itself; what the final stage runs is started for real in
 * test/integration/production-install.test.ts.
 */
const ROOT = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** Instructions with their continuation lines joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

const stages = instructions.reduce<string[][]>((all, line) => {
  if (/^FROM\s/i.test(line)) all.push([line]);
  else all.at(-1)?.push(line);
  return all;
}, []);
const finalStage = stages.at(-1) ?? [];
const build = stages[0] ?? [];

describe('Dockerfile', () => {
  it('builds in one stage and runs from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]).toMatch(/^FROM node:22-bookworm-slim AS build$/);
  });

  it('drops dev dependencies before they reach the image', () => {
    expect(build.some((line) => /^RUN .*npm prune --omit=dev/.test(line))).toBe(true);
    const copied = finalStage.filter((line) => /^COPY /.test(line));
    expect(copied.some((line) => /node_modules/.test(line))).toBe(true);
    expect(copied.every((line) => /--from=build/.test(line))).toBe(true);
  });

  it('runs as a non-root user from an image without a shell', () => {
    expect(finalStage[0]).toMatch(/^FROM gcr\.io\/distroless\/nodejs22-debian12:nonroot$/);
    const users = finalStage.filter((line) => /^USER /.test(line));
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^USER (root|0)(:|$)/);
    // Nothing in the final stage needs a shell: no RUN, and CMD and HEALTHCHECK in exec form.
    expect(finalStage.filter((line) => /^RUN /.test(line))).toEqual([]);
    expect(finalStage.find((line) => /^CMD /.test(line))).toMatch(/^CMD \[/);
    expect(finalStage.find((line) => /^HEALTHCHECK /.test(line))).toMatch(/CMD \["\/nodejs\/bin\/node"/);
  });

  it('starts node directly (SIGTERM reaches it), never npm', () => {
    expect(finalStage.find((line) => /^CMD /.test(line))).toBe('CMD ["dist/src/index.js"]');
    expect(finalStage.join('\n')).not.toMatch(/\bnpm\b/);
  });

  it('keeps data only under the /data volume, owned by the non-root user', () => {
    expect(finalStage).toContain('VOLUME ["/data"]');
    expect(finalStage.some((line) => /^COPY --from=build --chown=65532:65532 \S+ \/data$/.test(line))).toBe(true);
    expect(finalStage.some((line) => /^ENV .*STORE_URL=sqlite:\/\/\/data\//.test(line))).toBe(true);
  });
});

/** What only development needs: the test kit (compiled with the bench), the bench and the tests. */
const DEVELOPMENT_ONLY = ['testkit', 'bench', 'test'];

describe('what ships', () => {
  it('builds the image from src/ alone, and the build context leaves out the test kit, the bench and the tests', () => {
    // The sources of the build stage's COPY lines from the context (not --from another stage).
    const copied = build
      .filter((line) => /^COPY /.test(line) && !/--from=/.test(line))
      .flatMap((line) => line.replace(/^COPY\s+(--\S+\s+)*/, '').split(/\s+/).slice(0, -1));
    expect(copied.filter((source) => !/^(package(-lock)?\.json|tsconfig(\.build)?\.json|src)$/.test(source))).toEqual([]);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    expect(DEVELOPMENT_ONLY.filter((dir) => !ignored.includes(dir))).toEqual([]);
  });

  it('keeps src/ free of imports from the test kit, the bench and the tests (the image builds src/ alone)', () => {
    const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.ts'));
    const reaching = sources.filter((path) =>
      new RegExp(`from '(\\.\\./)+(${DEVELOPMENT_ONLY.join('|')})/`).test(readFileSync(join(ROOT, 'src', path), 'utf8')),
    );
    expect(reaching).toEqual([]);
  });

  it('packs the compiled src/ and the README into the npm package, and no test kit, bench or tests', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false' },
      encoding: 'utf8',
    });
    expect(pack.status).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>;
    const paths = packed?.files.map((file) => file.path) ?? [];
    expect(paths).toContain('README.md');
    expect(paths.filter((path) => !/^(dist\/src\/|README\.md$|package\.json$)/.test(path))).toEqual([]);
  });
});
