import { refreshDashboards, type DashboardDeps } from './dashboards';

/**
 * How long, after a person's App Home is published, further changes to it
 * wait to be published together. Changes come in bursts (a team clicking
 * through a handoff, a tick's follow-ups, the same rotation changed on two
 * replicas), and every approver who opened Home is in each of them: at most
 * two publishes a person per burst (its first change at once, the rest at the
 * window's end) instead of one per change. Short next to the time anyone
 * takes to switch to the Home tab after acting elsewhere.
 */
export const HOME_COALESCE_MS = 200;

/** What the use cases say about App Home: whose view changed. */
export interface HomeRefresh {
  /** These people's views changed: each one's Home is published shortly, once however many changes come meanwhile. */
  changed(userIds: readonly string[]): void;
}

export interface HomePublisherOptions {
  /** HOME_COALESCE_MS unless given. */
  windowMs?: number;
  /** Given each window, a promise from its first change until its Homes are published: what shutdown waits for (bot.ts). */
  track?: (work: Promise<void>) => unknown;
}

/**
 * This process's App Home publisher, on both edges of a window: a change
 * when no window is open is published at once (to those who opened Home:
 * `refreshDashboards`) and opens a window of HOME_COALESCE_MS; everyone
 * changed during it is published once when it ends, each view read then,
 * after the last of those changes, and that publish holds a window of its own.
 * A lone change is on screen in the time one publish takes (npm run bench);
 * a burst costs two. One publishing at a time: people changed while one runs
 * wait for it, and the next takes them all. Nothing is published on a
 * caller's time, and nothing fails a caller.
 */
export class HomePublisher implements HomeRefresh {
  private readonly waiting = new Set<string>();
  private window?: { timer: NodeJS.Timeout; close(): void };
  private publishing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly deps: DashboardDeps,
    private readonly options: HomePublisherOptions = {},
  ) {}

  changed(userIds: readonly string[]): void {
    if (this.stopped) return;
    for (const userId of userIds) this.waiting.add(userId);
    if (this.window || this.waiting.size === 0) return;
    this.publishAndHold();
  }

  /** Publishes everyone waiting (after the publishing in progress), and holds whoever changes next until a window has passed. */
  private publishAndHold(): void {
    let close: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      close = resolve;
    });
    // Taken now: whoever changes from here on waits for the window's end.
    const people = [...this.waiting];
    this.waiting.clear();
    // refreshDashboards logs its failures and never throws: the chain never rejects.
    const published = (this.publishing = this.publishing.then(() => refreshDashboards(this.deps, people)));
    const timer = setTimeout(() => {
      this.window = undefined;
      void published.then(close);
      if (this.waiting.size > 0) this.publishAndHold();
    }, this.options.windowMs ?? HOME_COALESCE_MS);
    this.window = { timer, close };
    this.options.track?.(closed);
  }

  /**
   * Opens no window any more. One still open is closed and its people
   * dropped (the Home they open next is read fresh then); resolves once the
   * publishing in progress, if any, has ended. No timer is left behind.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.window) {
      clearTimeout(this.window.timer);
      this.window.close();
      this.window = undefined;
    }
    if (this.waiting.size > 0) {
      this.deps.logger.info(`Stopping: the App Home of ${this.waiting.size} people is not refreshed`);
      this.waiting.clear();
    }
    await this.publishing;
  }
}
