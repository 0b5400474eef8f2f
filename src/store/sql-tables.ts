/** Runs one statement with its parameters and gives back its rows (none for most writes). */
export type RunSql = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * What differs between the SQL engines our tables run on. Everything else
 * (the tables, every statement) is the same text on each, written with `?`
 * placeholders that the dialect numbers.
 */
export interface SqlDialect {
  /** The n-th parameter (from 1) of a statement, as the engine writes it. */
  placeholder(n: number): string;
  /** The key column's type: keys must order byte by byte, as `due` breaks ties by key. */
  keyType: string;
  /** The type of the instants (milliseconds since the epoch). */
  instantType: string;
  /** One parameter, an index name: answers a row when an index of that name exists. */
  findIndex: string;
  /**
   * Whether a CREATE … IF NOT EXISTS failed only because another process
   * created the same object at the same moment: it exists now, and the setup
   * is tried again at once.
   */
  lostCreateRace(error: unknown): boolean;
}

export const SQLITE: SqlDialect = {
  placeholder: () => '?',
  keyType: 'TEXT',
  instantType: 'INTEGER',
  findIndex: "SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?",
  // SQLite changes a schema under the file's write lock: a second CREATE … IF NOT EXISTS waits for it, then finds the object.
  lostCreateRace: () => false,
};

/** PostgreSQL error codes a concurrent CREATE … IF NOT EXISTS can still raise: unique_violation (in pg_type or pg_class), duplicate_table, duplicate_object. */
const CREATE_RACE_CODES: ReadonlySet<unknown> = new Set(['23505', '42P07', '42710']);

export const POSTGRES: SqlDialect = {
  placeholder: (n) => `$${n}`,
  // COLLATE "C": byte order whatever the database's locale, as in SQLite.
  keyType: 'TEXT COLLATE "C"',
  instantType: 'BIGINT',
  findIndex: "SELECT 1 AS found FROM pg_class WHERE oid = to_regclass(?) AND relkind = 'i'",
  // Processes starting together can all pass IF NOT EXISTS and then collide in the catalogue.
  lostCreateRace: (error) => CREATE_RACE_CODES.has((error as { code?: unknown } | null)?.code),
};

/**
 * A table name fit to be written into a statement (statements cannot take it
 * as a parameter): made from the namespace, never from a person's input, and
 * checked all the same.
 */
export function tableName(table: string): string {
  if (!/^[a-z_][a-z0-9_]{0,50}$/i.test(table)) throw new Error(`Not a usable table name: ${table}`);
  return table;
}

/** Each object a schema creates (a table, an index) can be lost to a racing process once: then it exists. */
const CREATE_ATTEMPTS = 5;

/**
 * Statements on tables of our own beside keyv's: the placeholders numbered for
 * the engine, and the tables created on first use. A failed setup (the server
 * is down, the file is locked) is not remembered: the next call tries again.
 */
export class SqlTables {
  private ready?: Promise<void>;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly query: RunSql,
    private readonly createObjects: () => Promise<void>,
  ) {}

  /** Runs a statement as is, without setting up first (the setup itself uses it). */
  run(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    let n = 0;
    return this.query(sql.replace(/\?/g, () => this.dialect.placeholder(++n)), params);
  }

  /** Runs a statement once the tables exist. */
  async rows(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    await this.setUp();
    return this.run(sql, params);
  }

  private setUp(): Promise<void> {
    this.ready ??= this.createSchema().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createSchema(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.createObjects();
      } catch (error) {
        if (!this.dialect.lostCreateRace(error) || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }
}
