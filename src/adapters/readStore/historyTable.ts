import type Database from 'better-sqlite3';

type Value = string | number | null;

/**
 * A collection that grows with history, stored as a typed table: one row per document, with the
 * columns its queries filter and sort on (extracted here, in the adapter, so the projection's fold
 * stays storage-free) and the whole document as JSON in `doc`.
 */
export interface HistoryTableSpec {
  projection: string;
  collection: string;
  table: string;
  /** The primary key column: the document's key. */
  key: string;
  /** Columns beside the key and `doc`, in the order `values` answers them. */
  columns: readonly string[];
  /** Columns a later write never changes (never set by an update, so their indexes are not rewritten). */
  fixed?: readonly string[];
  /** CREATE TABLE, with `doc TEXT NOT NULL` last. */
  schema: string;
  /** The queries' indexes: name → `(columns) [WHERE …]`. */
  indexes: Readonly<Record<string, string>>;
  values(doc: unknown): Value[];
  /** The document is one whose personal data a purge cleared: the commit writing it asks for the WAL to be truncated soon. */
  purged?(doc: unknown): boolean;
}

export interface HistoryTable {
  spec: HistoryTableSpec;
  /** The stored JSON text, or undefined. */
  get(key: string): string | undefined;
  put(key: string, doc: unknown): void;
  delete(key: string): void;
  /** Up to `limit` (key, JSON) pairs after the key `after` (and before `before` when given), in key order. */
  page(after: string, limit: number, before?: string): [string, string][];
  /** Every (key, JSON) pair: for dumps only. */
  rows(): [string, string][];
}

/** The indexes of `spec` that the file lacks. */
export function missingIndexes(db: Database.Database, spec: HistoryTableSpec): string[] {
  const present = new Set(db.prepare<[string], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").pluck().all(spec.table));
  return Object.keys(spec.indexes).filter((name) => !present.has(name));
}

export function createIndexes(db: Database.Database, spec: HistoryTableSpec): void {
  for (const [name, definition] of Object.entries(spec.indexes)) db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${spec.table} ${definition}`);
}

export function prepareHistoryTable(db: Database.Database, spec: HistoryTableSpec): HistoryTable {
  const { table, key, columns } = spec;
  const fixed = new Set(spec.fixed ?? []);
  // A new row only: `put` looks the key up first (the read store has one writer, this connection).
  const insert = db.prepare(`INSERT INTO ${table} (${key}, ${columns.join(', ')}, doc) VALUES (${Array.from({ length: columns.length + 2 }, () => '?').join(', ')})`);
  const select = db.prepare<[string], string>(`SELECT doc FROM ${table} WHERE ${key} = ?`).pluck();
  const selectColumns = db.prepare<[string], Value[]>(`SELECT ${columns.join(', ')} FROM ${table} WHERE ${key} = ?`).raw();
  // A row already there is updated in the columns that changed and its document only: SQLite
  // rewrites the entries of every index on a column an UPDATE sets, changed or not, and most writes
  // (a page, a negotiation, a retry) change the document alone: 62 against 18 µs a write with 9 of
  // the faxes table's 14 indexes. One statement per set of changed columns, made on first use.
  const changeable = columns.flatMap((column, index) => (fixed.has(column) ? [] : [{ column, index }]));
  const updates = new Map<number, Database.Statement>();
  const updateOf = (changed: number) => {
    let statement = updates.get(changed);
    if (!statement) {
      const set = [...changeable.filter((_, bit) => changed & (1 << bit)).map(({ column }) => `${column} = ?`), 'doc = ?'].join(', ');
      statement = db.prepare(`UPDATE ${table} SET ${set} WHERE ${key} = ?`);
      updates.set(changed, statement);
    }
    return statement;
  };
  function put(id: string, doc: unknown): void {
    const values = spec.values(doc);
    const json = JSON.stringify(doc);
    const stored = selectColumns.get(id);
    if (stored === undefined) {
      insert.run(id, ...values, json);
      return;
    }
    let changed = 0;
    const setValues: Value[] = [];
    changeable.forEach(({ index }, bit) => {
      if (stored[index] === values[index]) return;
      changed |= 1 << bit;
      setValues.push(values[index]!);
    });
    updateOf(changed).run(...setValues, json, id);
  }
  const remove = db.prepare(`DELETE FROM ${table} WHERE ${key} = ?`);
  const page = db.prepare<[string, number], [string, string]>(`SELECT ${key}, doc FROM ${table} WHERE ${key} > ? ORDER BY ${key} LIMIT ?`).raw();
  const range = db.prepare<[string, string, number], [string, string]>(`SELECT ${key}, doc FROM ${table} WHERE ${key} > ? AND ${key} < ? ORDER BY ${key} LIMIT ?`).raw();
  const all = db.prepare<[], [string, string]>(`SELECT ${key}, doc FROM ${table}`).raw();
  return {
    spec,
    get: (id) => select.get(id),
    put,
    delete: (id) => void remove.run(id),
    page: (after, limit, before) => (before === undefined ? page.all(after, limit) : range.all(after, before, limit)),
    rows: () => all.all(),
  };
}
