import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

// Kysely's SqliteDialect speaks the better-sqlite3 shape; node:sqlite (built into Node 24)
// differs only in taking parameters as arguments, so this adapter is all we need and no
// native addon is compiled at install.

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as SQLInputValue;
}

class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.#db = db;
  }
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
  prepare(sql: string): SqliteStatement {
    const statement = this.#db.prepare(sql);
    const args = (parameters: ReadonlyArray<unknown>) => parameters.map(toSqlite);
    return {
      reader: statement.columns().length > 0,
      all: (parameters) => statement.all(...args(parameters)),
      run: (parameters) => statement.run(...args(parameters)),
      iterate: (parameters) => statement.iterate(...args(parameters)),
    };
  }
}

/** A JavaScript function SQL can call (triggers use one to tell the process of a change). */
export type SqlFunction = (...args: unknown[]) => void;

export function nodeSqliteDialect(filename: string, functions: Record<string, SqlFunction> = {}): SqliteDialect {
  return new SqliteDialect({
    database: async () => {
      const db = new DatabaseSync(filename);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
      for (const [name, fn] of Object.entries(functions)) db.function(name, { varargs: true }, (...args) => (fn(...args), null));
      return new NodeSqliteDatabase(db);
    },
  });
}
