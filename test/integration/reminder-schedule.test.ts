import { openStore } from '../../src/store/keyv-factory';
import { tempStoreUrl } from '../support/bot-harness';
import { scheduleContract } from '../support/schedule-contract';

/**
 * The schedule's contract (test/support/schedule-contract.ts) on the engines
 * that need no server; Redis runs it in redis-reminder-schedule.test.ts when
 * TEST_REDIS_URL is set (PostgreSQL joins with the scale-out work).
 */
scheduleContract('memory', () => {
  const opened = openStore('memory://');
  return { schedule: opened.reminders, close: () => opened.rotations.close() };
});

scheduleContract(
  'sqlite',
  () => {
    const location = tempStoreUrl();
    const opened = openStore(location.url);
    return {
      schedule: opened.reminders,
      close: async () => {
        await opened.rotations.close();
        location.cleanup();
      },
      another: async () => {
        const second = openStore(location.url);
        return { schedule: second.reminders, close: () => second.rotations.close() };
      },
    };
  },
  { sharedAs: 'file' },
);
