/**
 * Made-up secrets the tests type into forms and threads, and the bot's test
 * credentials: none of them may ever appear in what the bot logs (the
 * log scan in test/support/global-teardown.ts reads every captured line).
 */
export { BOT_TOKEN } from '../../testkit/bot-env';
export { SIGNING_SECRET } from '../../testkit/slack-request';

/** Looks like the WFI client secret: 32 characters, letters and digits mixed. */
export const TEST_WFI_SECRET = 'wfiT3stS3cretV4lue9x8y7z6w5v4u3t';
/** The same, as someone would paste it from a config file. */
export const TEST_SECRET_ASSIGNMENT = `client_secret=${TEST_WFI_SECRET}`;
/** A meeting passcode, which is not the WFI secret and may appear in a join link. */
export const TEST_MEETING_PASSCODE = 'Xy12ab';
