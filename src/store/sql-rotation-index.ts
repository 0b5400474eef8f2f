import type { IndexPage, Posting, RotationIndex } from './rotation-index';
import { SqlTables, tableName, type RunSql, type SqlDialect } from './sql-tables';

/**
 * The rotation index as one table beside keyv's, on SQLite or PostgreSQL: a
 * row per (list, rotation) with its rank, and an index on (list, rank, id), so
 * a page of a list is one range read whatever else the store holds. Each
 * posting is one upsert or one delete, atomic on its own; concurrent writers
 * of one rotation are kept apart by the rotation store's lock.
 */
export class SqlRotationIndex implements RotationIndex {
  private readonly sql: SqlTables;

  constructor(
    private readonly dialect: SqlDialect,
    query: RunSql,
    private readonly table = 'wfi_rotation_index',
  ) {
    tableName(table);
    this.sql = new SqlTables(dialect, query, () => this.createObjects());
  }

  private async createObjects(): Promise<void> {
    const { table: t, dialect } = this;
    // Byte order for lists and ids (keyType), as on the other engines.
    await this.sql.run(`CREATE TABLE IF NOT EXISTS ${t} (
      list ${dialect.keyType} NOT NULL,
      id ${dialect.keyType} NOT NULL,
      rank ${dialect.instantType} NOT NULL,
      PRIMARY KEY (list, id)
    )`);
    await this.sql.run(`CREATE INDEX IF NOT EXISTS ${t}_rank ON ${t} (list, rank, id)`);
  }

  async put(id: string, postings: readonly Posting[]): Promise<void> {
    for (const { list, rank } of postings) {
      await this.sql.rows(`INSERT INTO ${this.table} (list, id, rank) VALUES (?, ?, ?) ON CONFLICT (list, id) DO UPDATE SET rank = excluded.rank`, [
        list,
        id,
        rank,
      ]);
    }
  }

  async remove(id: string, lists: readonly string[]): Promise<void> {
    for (const list of lists) await this.sql.rows(`DELETE FROM ${this.table} WHERE list = ? AND id = ?`, [list, id]);
  }

  async range(list: string, { limit, offset = 0, newestFirst = false }: IndexPage): Promise<string[]> {
    const order = newestFirst ? 'rank DESC, id DESC' : 'rank, id';
    const rows = await this.sql.rows(`SELECT id FROM ${this.table} WHERE list = ? ORDER BY ${order} LIMIT ? OFFSET ?`, [list, limit, offset]);
    return rows.map((row) => String(row.id));
  }
}
