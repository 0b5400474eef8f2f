import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set by test/support/global-setup.ts: where every test worker appends what the bots it ran logged. */
export const LOG_DIR_VARIABLE = 'WFI_ROTATE_TEST_LOG_DIR';

export function logCaptureDir(): string | undefined {
  return process.env[LOG_DIR_VARIABLE];
}

/** The captured output of bots that logged as JSON (LOG_FORMAT=json) is kept apart: the scan parses each of its lines. */
export const JSON_LOG_PREFIX = 'json-';

/** Keeps `text` (a bot's log output, in the bot's LOG_FORMAT) for the log scan at the end of the run. */
export function recordLogOutput(text: string, format: 'text' | 'json' = 'text'): void {
  const dir = logCaptureDir();
  if (!dir) return;
  try {
    const file = `${format === 'json' ? JSON_LOG_PREFIX : ''}worker-${process.pid}.log`;
    appendFileSync(join(dir, file), text.endsWith('\n') ? text : `${text}\n`);
  } catch (error) {
    // The Socket Mode client logs its socket's close a moment after the bot stopped; when that is after the
    // run's last suite, the scan has already run and removed the directory. Throwing here, in the socket's
    // event handler, would crash the test worker and fail whichever suite it runs next.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
