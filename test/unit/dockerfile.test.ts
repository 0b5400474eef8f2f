import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * No Docker engine runs here, so the image's hardening is read from the
 * Dockerfile itself; what the final stage runs is started for real in
 * test/integration/production-install.test.ts.
 */
const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');

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
