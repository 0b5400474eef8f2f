import type { Rotation } from '../../../src/domain/rotation';
import type { DashboardDeps } from '../../../src/services/dashboards';
import { HOME_COALESCE_MS, HomePublisher } from '../../../src/services/home-publisher';
import { aRotation } from '../../../testkit/rotations';

/**
 * The App Home publisher on a fake clock: a change when all is quiet is
 * published at once; changes within HOME_COALESCE_MS after it are one publish
 * a person at the window's end, read after the last of them; nothing is left
 * running once it is stopped.
 */

const A = 'U0PERSONA1';
const B = 'U0PERSONB1';
const C = 'U0PERSONC1';

describe('the App Home publisher', () => {
  /** What the store holds now: a person's view shows the `state` at the time it is read. */
  let state: number;
  let publishes: Array<{ viewerId: string; state: number }>;
  let infos: string[];
  /** Set to hold every publish until released. */
  let gate: Promise<void> | undefined;

  function deps(): DashboardDeps {
    return {
      store: {
        homeViewers: async (userIds: readonly string[]) => [...userIds],
        activeInvolving: async () => [aRotation({ id: 'ROT-222222', notes: String(state) })],
        involving: async () => [],
      } as unknown as DashboardDeps['store'],
      reminders: { failures: async () => [] } as unknown as DashboardDeps['reminders'],
      notifier: {
        homeHash: () => undefined,
        publishHome: async (viewerId: string, view: { rotations: Rotation[] }) => {
          await gate;
          publishes.push({ viewerId, state: Number(view.rotations[0]?.notes) });
        },
      } as unknown as DashboardDeps['notifier'],
      approvers: { statusOf: async () => 'not_approver', knownApproverIds: () => [] },
      clock: { now: () => new Date('2026-03-02T10:00:00Z') },
      logger: { info: (line: string) => void infos.push(line), warn: () => undefined, error: () => undefined },
    };
  }

  const people = () => publishes.map((p) => p.viewerId).sort();

  beforeEach(() => {
    jest.useFakeTimers();
    state = 0;
    publishes = [];
    infos = [];
    gate = undefined;
  });
  afterEach(() => jest.useRealTimers());

  it('publishes a change at once, and the changes of the window after it once a person at its end, with what the store holds after the last', async () => {
    const homes = new HomePublisher(deps());
    homes.changed([A, B]);
    await jest.advanceTimersByTimeAsync(0);
    expect(publishes).toEqual([
      { viewerId: A, state: 0 },
      { viewerId: B, state: 0 },
    ]);

    homes.changed([A]);
    state = 1;
    await jest.advanceTimersByTimeAsync(100);
    homes.changed([C, A]);
    state = 2;
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS - 101);
    expect(publishes).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(publishes.slice(2).sort((x, y) => x.viewerId.localeCompare(y.viewerId))).toEqual([
      { viewerId: A, state: 2 },
      { viewerId: C, state: 2 },
    ]);

    // That publish holds a window of its own; nothing more came, so it ends with no timer left…
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS);
    expect(publishes).toHaveLength(4);
    expect(jest.getTimerCount()).toBe(0);
    // …and the next change is published at once again.
    homes.changed([A]);
    state = 3;
    await jest.advanceTimersByTimeAsync(0);
    expect(publishes.slice(4)).toEqual([{ viewerId: A, state: 3 }]);
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS);
    expect(jest.getTimerCount()).toBe(0);
    await homes.stop();
  });

  it('publishes no one for a change that names no one, and opens no window for it', async () => {
    const homes = new HomePublisher(deps());
    homes.changed([]);
    expect(jest.getTimerCount()).toBe(0);
    await homes.stop();
  });

  it('lets changes made while a publishing runs wait for it, then publishes them in turn', async () => {
    let release: () => void = () => undefined;
    gate = new Promise((resolve) => {
      release = resolve;
    });
    const homes = new HomePublisher(deps());
    homes.changed([A]);
    await jest.advanceTimersByTimeAsync(0);
    // A's publish is under way (Slack holds it); two windows end meanwhile with people waiting.
    homes.changed([B]);
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS);
    homes.changed([B, C]);
    state = 5;
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS);
    expect(publishes).toEqual([]);

    release();
    gate = undefined;
    await jest.advanceTimersByTimeAsync(0);
    expect(publishes).toEqual([
      { viewerId: A, state: 0 },
      { viewerId: B, state: 5 },
      { viewerId: B, state: 5 },
      { viewerId: C, state: 5 },
    ]);
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS);
    expect(jest.getTimerCount()).toBe(0);
    await homes.stop();
  });

  it('tells the tracker of each window until its Homes are published, so shutdown can wait for them', async () => {
    const windows: Array<{ done: boolean }> = [];
    const homes = new HomePublisher(deps(), {
      track: (work) => {
        const window = { done: false };
        windows.push(window);
        void work.then(() => {
          window.done = true;
        });
      },
    });
    homes.changed([A]);
    homes.changed([B]);
    expect(windows).toEqual([{ done: false }]);
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS);
    // A was published at once; B, who waited, is published as the first window ends, in a second one.
    expect(windows).toEqual([{ done: true }, { done: false }]);
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS);
    expect(windows).toEqual([{ done: true }, { done: true }]);
    expect(people()).toEqual([A, B]);
    await homes.stop();
  });

  it('stops cleanly: people waiting are dropped with the window\'s timer, a publishing under way is waited for, later changes are ignored', async () => {
    const windows: Array<Promise<void>> = [];
    const homes = new HomePublisher(deps(), { track: (work) => windows.push(work) });
    let release: () => void = () => undefined;
    gate = new Promise((resolve) => {
      release = resolve;
    });
    homes.changed([A]);
    homes.changed([B, C]);
    expect(jest.getTimerCount()).toBe(1);

    let stopped = false;
    const stopping = homes.stop().then(() => {
      stopped = true;
    });
    expect(jest.getTimerCount()).toBe(0);
    // The open window's tracker hears it is over at once; stop waits for A's publish, which Slack holds.
    await expect(windows[0]).resolves.toBeUndefined();
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(publishes.map((p) => p.viewerId)).toEqual([A]);
    expect(infos).toEqual(['Stopping: the App Home of 2 people is not refreshed']);

    homes.changed([A]);
    await jest.advanceTimersByTimeAsync(HOME_COALESCE_MS * 10);
    expect(jest.getTimerCount()).toBe(0);
    expect(publishes).toHaveLength(1);
  });
});
