import { handoffPeople, isActive, type Rotation } from '../domain/rotation';

/**
 * The store's lists of rotation ids, so that a dashboard, `list` or the digest
 * reads what it shows instead of every rotation ever stored:
 *   active               open and planned rotations, ranked by deadline (the
 *                        submit-by date follows the deadline, so this is urgency)
 *   completed            completed rotations, ranked by when the secret was received
 *   person:<user id>     the rotations a person is in the handoff of, by deadline
 *   person-active:<user id>  the open and planned ones among them, by deadline
 *                        (a long-serving requester's history must not bury them)
 *   instance:<url>       the rotations of one WFI instance, by deadline
 * A rotation's postings are derived from the rotation alone (`postingsOf`), so
 * the index can always be rebuilt from the rotations.
 */
export const LISTS = {
  active: 'active',
  completed: 'completed',
  person: (userId: string) => `person:${userId}`,
  personActive: (userId: string) => `person-active:${userId}`,
  instance: (instanceUrl: string) => `instance:${instanceUrl}`,
};

/** A rotation's place in one list: the list, and its rank there (milliseconds since the epoch). */
export interface Posting {
  list: string;
  rank: number;
}

/** A page of a list: by rank then id, ascending unless `newestFirst`. */
export interface IndexPage {
  limit: number;
  offset?: number;
  newestFirst?: boolean;
}

/**
 * Lists of rotation ids by rank, on the store's engine. Each call is atomic
 * on its own; the rotation store keeps them in step with the rotations (see
 * `KeyvRotationStore`): a rotation's new postings are added before it is
 * written and the postings it left are removed after, under its write lock,
 * so a list can hold an id that no longer belongs (a reader skips it) but
 * never miss one that does.
 */
export interface RotationIndex {
  /** Puts the rotation in each of these lists at its rank (moving it when it is there already). */
  put(id: string, postings: readonly Posting[]): Promise<void>;
  /** Takes the rotation out of these lists. */
  remove(id: string, lists: readonly string[]): Promise<void>;
  /** A page of a list's ids. */
  range(list: string, page: IndexPage): Promise<string[]>;
}

const dayMs = (calendarDate: string) => Date.parse(`${calendarDate}T00:00:00Z`);

/** Where a rotation belongs in the index, from the rotation alone. */
export function postingsOf(rotation: Rotation): Posting[] {
  const byDeadline = dayMs(rotation.deadline);
  const postings: Posting[] = [
    { list: LISTS.instance(rotation.instanceUrl), rank: byDeadline },
    ...handoffPeople(rotation).map((userId) => ({ list: LISTS.person(userId), rank: byDeadline })),
  ];
  if (isActive(rotation)) {
    postings.push({ list: LISTS.active, rank: byDeadline });
    for (const userId of handoffPeople(rotation)) postings.push({ list: LISTS.personActive(userId), rank: byDeadline });
  }
  if (rotation.status === 'completed') postings.push({ list: LISTS.completed, rank: Date.parse(rotation.completion.at) });
  return postings;
}

/** Whether a rotation read back through `list` still belongs there (the list may hold a stale id). */
export function belongsTo(rotation: Rotation, list: string): boolean {
  return postingsOf(rotation).some((posting) => posting.list === list);
}

interface Ranked {
  rank: number;
  id: string;
}

const byRankThenId = (a: Ranked, b: Ranked) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The index in this process: each list a sorted array (insertion by binary search) beside a map of ranks. */
export class MemoryRotationIndex implements RotationIndex {
  private readonly lists = new Map<string, { ranks: Map<string, number>; sorted: Ranked[] }>();

  async put(id: string, postings: readonly Posting[]): Promise<void> {
    for (const { list, rank } of postings) {
      let entry = this.lists.get(list);
      if (!entry) this.lists.set(list, (entry = { ranks: new Map(), sorted: [] }));
      if (entry.ranks.get(id) === rank) continue;
      this.take(entry, id);
      entry.ranks.set(id, rank);
      entry.sorted.splice(this.position(entry.sorted, { rank, id }), 0, { rank, id });
    }
  }

  async remove(id: string, lists: readonly string[]): Promise<void> {
    for (const list of lists) {
      const entry = this.lists.get(list);
      if (!entry) continue;
      this.take(entry, id);
      if (entry.ranks.size === 0) this.lists.delete(list);
    }
  }

  async range(list: string, { limit, offset = 0, newestFirst = false }: IndexPage): Promise<string[]> {
    const sorted = this.lists.get(list)?.sorted ?? [];
    if (!newestFirst) return sorted.slice(offset, offset + limit).map((r) => r.id);
    const end = Math.max(sorted.length - offset, 0);
    return sorted
      .slice(Math.max(end - limit, 0), end)
      .reverse()
      .map((r) => r.id);
  }

  private take(entry: { ranks: Map<string, number>; sorted: Ranked[] }, id: string): void {
    const rank = entry.ranks.get(id);
    if (rank === undefined) return;
    entry.ranks.delete(id);
    entry.sorted.splice(this.position(entry.sorted, { rank, id }), 1);
  }

  /** The first position whose element does not sort before `item`. */
  private position(sorted: Ranked[], item: Ranked): number {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (byRankThenId(sorted[middle] as Ranked, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
