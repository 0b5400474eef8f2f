import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_DIR_VARIABLE } from './log-capture';

/** A fresh directory for the run's captured bot logs; workers inherit the variable. */
export default function globalSetup(): void {
  process.env[LOG_DIR_VARIABLE] = mkdtempSync(join(tmpdir(), 'wfi-rotate-test-logs-'));
}
