/**
 * The bot on a memory:// store that already holds rotations, for the scale
 * section. A memory store lives and dies with its process, so nothing
 * outside can fill it: this entry fills one (the scale section's rotations,
 * through the store's own insert, which indexes each) and then starts the
 * bot on it exactly as `src/index.ts` does, with the same configuration from
 * the environment. Its reminder schedule is the bot's own, empty: startBot
 * takes a rotation store, not a schedule.
 *
 * BENCH_SEED_SIZE rotations, BENCH_SEED_OPEN of them open or planned, as of
 * the UTC day BENCH_SEED_TODAY (ms).
 */
import { startBot } from '../src/bot';
import { loadConfig } from '../src/config';
import { openStore } from '../src/store/keyv-factory';
import { historyRotation } from './lib/seed-history';

function whole(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got "${process.env[name]}")`);
  return value;
}

async function main(): Promise<void> {
  const size = whole('BENCH_SEED_SIZE');
  const open = whole('BENCH_SEED_OPEN');
  const today = whole('BENCH_SEED_TODAY');
  const config = loadConfig();
  const { rotations } = openStore('memory://');
  for (let index = 0; index < size; index += 1) {
    const { rotation, message } = historyRotation(index, open, today);
    await rotations.insert(rotation);
    await rotations.setMessage(rotation.id, message);
  }
  const bot = await startBot(config, { store: rotations });
  const stop = () =>
    void bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`seeded-bot: shutdown did not complete cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`seeded-bot could not start: ${(error as Error)?.stack ?? String(error)}`);
  process.exitCode = 1;
});
