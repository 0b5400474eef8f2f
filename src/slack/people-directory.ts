import type { webApi } from '@slack/bolt';
import type { Clock, PeopleDirectory } from '../domain/ports';
import { isUserId } from '../domain/rotation';

/** How long a name read from Slack is used before it is read again. */
export const NAME_TTL_MS = 60 * 60_000;
/** Names kept at most; past that the oldest is forgotten (read again when next needed). */
const NAMES_KEPT = 10_000;
/** Look-ups at once: an export naming a few hundred people stays well inside users.info's rate tier. */
const CONCURRENCY = 4;

type UserInfo = { real_name?: string; name?: string; profile?: { real_name?: string; display_name?: string } };

/** The name an auditor recognises: the full name, else the display name, else the handle. */
function nameOf(user: UserInfo | undefined): string | undefined {
  const candidates = [user?.profile?.real_name, user?.real_name, user?.profile?.display_name, user?.name];
  return candidates.map((name) => name?.trim()).find((name): name is string => Boolean(name));
}

/**
 * People's names from Slack's users.info, kept for NAME_TTL_MS. Tolerant: a
 * look-up that fails leaves that person unnamed (and is not remembered, so
 * the next export tries again); once Slack rate-limits, the rest of this
 * request's look-ups are given up rather than waited for.
 */
export class SlackPeopleDirectory implements PeopleDirectory {
  private readonly names = new Map<string, { name: string; readAt: number }>();

  /** `client` should neither retry nor wait out rate limits (the bot's quick client). */
  constructor(
    private readonly client: Pick<webApi.WebClient, 'users'>,
    private readonly clock: Clock,
    private readonly logger: { warn(...msg: unknown[]): void },
  ) {}

  async namesOf(userIds: readonly string[]): Promise<Map<string, string>> {
    const now = this.clock.now().getTime();
    const people = [...new Set(userIds)].filter(isUserId);
    const answer = new Map<string, string>();
    const toRead: string[] = [];
    for (const id of people) {
      const known = this.names.get(id);
      if (known && now - known.readAt < NAME_TTL_MS) answer.set(id, known.name);
      else toRead.push(id);
    }
    let rateLimited = false;
    const failed: string[] = [];
    // Nothing more is taken off the list once Slack rate-limits: what is left is counted as unread.
    const next = () => (rateLimited ? undefined : toRead.shift());
    const worker = async () => {
      for (let id = next(); id !== undefined; id = next()) {
        try {
          const name = nameOf((await this.client.users.info({ user: id })).user as UserInfo | undefined);
          if (name) {
            answer.set(id, name);
            this.remember(id, name, now);
          }
        } catch (error) {
          failed.push(id);
          if ((error as { code?: string }).code === 'slack_webapi_rate_limited_error') rateLimited = true;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, toRead.length) }, worker));
    const unread = failed.length + toRead.length;
    if (unread > 0) this.logger.warn(`${unread} name(s) could not be read from Slack${rateLimited ? ' (rate limited)' : ''}; they are given as ids only`);
    return answer;
  }

  private remember(id: string, name: string, readAt: number): void {
    this.names.delete(id);
    this.names.set(id, { name, readAt });
    if (this.names.size > NAMES_KEPT) {
      const oldest = this.names.keys().next().value;
      if (oldest !== undefined) this.names.delete(oldest);
    }
  }
}
