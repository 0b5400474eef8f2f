import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCodedError } from '../../../src/domain/errors';
import { createDirectory } from '../../../src/store/engines/sqlite';
import { openStore } from '../../../src/store/keyv-factory';

/** What createDirectory threw, or undefined, and how long it took. */
function attempt(dir: string): { error: unknown; ms: number } {
  const started = Date.now();
  try {
    createDirectory(dir);
    return { error: undefined, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

describe('createDirectory (the SQLite file’s directory)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wfi-rotate-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates every missing level, and accepts a directory that is there already', () => {
    const dir = join(root, 'a', 'b', 'c');
    createDirectory(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(() => createDirectory(dir)).not.toThrow();
    expect(() => createDirectory(root)).not.toThrow();
  });

  // Node 20's mkdirSync(…, { recursive: true }) spins forever on this path, deaf to signals.
  (existsSync('/proc/self') ? it : it.skip)('fails at once, naming the level and the cause, where a level can never be made (/proc)', () => {
    const { error, ms } = attempt('/proc/nope/deeper');
    expect(ms).toBeLessThan(1000);
    expect(isCodedError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toBe("cannot create the directory /proc/nope (ENOENT: no such file or directory, mkdir '/proc/nope')");
  });

  it('says so when a file stands where a level should be', () => {
    const file = join(root, 'file');
    writeFileSync(file, '');
    expect((attempt(file).error as Error).message).toBe(`${file} is not a directory`);
    expect((attempt(join(file, 'below')).error as Error).message).toMatch(
      new RegExp(`^cannot create the directory ${file}/below \\(ENOTDIR: not a directory, mkdir `),
    );
  });
});

describe('the SQLite engine', () => {
  it('names a directory given as the SQLite file, instead of SQLITE_CANTOPEN', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfi-rotate-dir-'));
    try {
      expect(() => openStore(`sqlite://${dir}`)).toThrow(`${dir} is a directory: name the SQLite file in it, e.g. ${dir}/wfi-rotate.sqlite`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
