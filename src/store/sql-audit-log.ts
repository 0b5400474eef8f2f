import type { AuditLogRecord } from '../domain/audit-chain';
import type { AuditLog } from './audit-log';
import { SqlTables, tableName, type RunSql, type SqlDialect } from './sql-tables';

/** Records read per statement when the log is read whole. */
const PAGE = 5000;

/**
 * The store-wide audit log as a table beside keyv's, on SQLite or PostgreSQL.
 * `seq` is the primary key: an append is one INSERT … ON CONFLICT (seq) DO
 * NOTHING, so of two writers with the same next number one row goes in and
 * the other statement inserts nothing and says so (RETURNING).
 */
export class SqlAuditLog implements AuditLog {
  private readonly sql: SqlTables;

  constructor(
    private readonly dialect: SqlDialect,
    query: RunSql,
    private readonly table = 'wfi_audit_log',
  ) {
    tableName(table);
    this.sql = new SqlTables(dialect, query, () => this.createObjects());
  }

  private async createObjects(): Promise<void> {
    const { table: t, dialect } = this;
    await this.sql.run(`CREATE TABLE IF NOT EXISTS ${t} (
      seq BIGINT PRIMARY KEY,
      rotation_id ${dialect.keyType} NOT NULL,
      entry_index INTEGER NOT NULL,
      entry_hash TEXT NOT NULL,
      prev TEXT NOT NULL,
      hash TEXT NOT NULL
    )`);
    await this.sql.run(`CREATE INDEX IF NOT EXISTS ${t}_rotation ON ${t} (rotation_id, entry_index)`);
  }

  async head(): Promise<AuditLogRecord | undefined> {
    const [row] = await this.sql.rows(`SELECT seq, rotation_id, entry_index, entry_hash, prev, hash FROM ${this.table} ORDER BY seq DESC LIMIT 1`, []);
    return row ? toRecord(row) : undefined;
  }

  async tryAppend(record: AuditLogRecord): Promise<boolean> {
    const rows = await this.sql.rows(
      `INSERT INTO ${this.table} (seq, rotation_id, entry_index, entry_hash, prev, hash) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (seq) DO NOTHING RETURNING seq`,
      [record.seq, record.rotationId, record.index, record.entryHash, record.prev, record.hash],
    );
    return rows.length === 1;
  }

  async countOf(rotationId: string): Promise<number> {
    const [row] = await this.sql.rows(`SELECT count(*) AS n FROM ${this.table} WHERE rotation_id = ?`, [rotationId]);
    return Number(row?.n ?? 0);
  }

  async records(): Promise<AuditLogRecord[]> {
    const all: AuditLogRecord[] = [];
    for (;;) {
      const rows = await this.sql.rows(
        `SELECT seq, rotation_id, entry_index, entry_hash, prev, hash FROM ${this.table} WHERE seq > ? ORDER BY seq LIMIT ?`,
        [all.at(-1)?.seq ?? 0, PAGE],
      );
      all.push(...rows.map(toRecord));
      if (rows.length < PAGE) return all;
    }
  }
}

/** PostgreSQL gives BIGINT back as a string. */
function toRecord(row: Record<string, unknown>): AuditLogRecord {
  return {
    seq: Number(row.seq),
    rotationId: String(row.rotation_id),
    index: Number(row.entry_index),
    entryHash: String(row.entry_hash),
    prev: String(row.prev),
    hash: String(row.hash),
  };
}
