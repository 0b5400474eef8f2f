import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a newcomer reads first must not send them to a page that is not
 * there: every relative link of README.md and SECURITY.md names a file of
 * the repository (README once linked shared/domain.md, which never shipped).
 */
const ROOT = join(__dirname, '..', '..');
const DOCS = ['README.md', 'SECURITY.md'];

/** Markdown link targets that are paths in the repository (not http:, mailto: or #anchors). */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => (match[1] as string).split('#')[0] as string)
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

const tracked = new Set(spawnSync('git', ['-C', ROOT, 'ls-files'], { encoding: 'utf8' }).stdout.split('\n'));

describe.each(DOCS.filter((doc) => existsSync(join(ROOT, doc))))('%s', (doc) => {
  const text = readFileSync(join(ROOT, doc), 'utf8');

  it('links only to files the repository ships', () => {
    const missing = relativeLinks(text)
      .map((target) => target.replace(/^\.\//, '').replace(/\/$/, ''))
      .filter((path) => !(tracked.size > 1 ? tracked.has(path) || [...tracked].some((file) => file.startsWith(`${path}/`)) : existsSync(join(ROOT, path))));
    expect(missing).toEqual([]);
  });

  it('names no file outside the repository (shared/…)', () => {
    expect(text.match(/(?<![\w/])shared\/[\w./-]+/g) ?? []).toEqual([]);
  });
});
