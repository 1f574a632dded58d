import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';
import { inProcessWakeups, postgresWakeups, type OutboxWakeups } from './outbox-wakeups.ts';
import { postgresFeedChanges, sqliteFeedChanges, SQLITE_FEED_CHANGED_FUNCTION, type FeedChanges } from './feed-changes.ts';

export type Engine = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** PostgreSQL schema everything lives in, when not the default search path. */
  schema?: string;
  /** Tells a sleeping worker that new jobs wait (see outbox-wakeups.ts). */
  outboxWakeups: OutboxWakeups;
  /** Tells this process when a feed's version moved (see feed-changes.ts). */
  feedChanges: FeedChanges;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  /** PostgreSQL only: run everything inside this schema (tests give each run its own). */
  schema?: string;
  onIdleConnectionError?: (error: Error) => void;
}

// BIGINT (int8) holds epoch milliseconds, far inside Number's exact range.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
};

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url.startsWith('file:')) {
    const filename = options.url.slice('file:'.length);
    if (filename !== ':memory:') ownerOnlyDatabaseFiles(filename);
    let feedChanged = (_key: string) => undefined as void;
    const dialect = nodeSqliteDialect(filename, { [SQLITE_FEED_CHANGED_FUNCTION]: (key) => feedChanged(String(key)) });
    const db = new Kysely<Database>({ dialect });
    const feedChanges = sqliteFeedChanges(db, (callback) => (feedChanged = callback));
    return { db, engine: 'sqlite', outboxWakeups: inProcessWakeups(), feedChanges, close: async () => (await feedChanges.close(), await db.destroy()) };
  }
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error('schema names are lower-case identifiers');
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 10,
    types: pgTypes,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // A connection the server drops (a restart, a failover) emits 'error', idle or checked out
  // between two queries; with no listener that would end the process. The next query on it
  // fails normally, and the pool throws dead connections away and opens new ones.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  pool.on('connect', (client) => client.on('error', (error) => options.onIdleConnectionError?.(error)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const outboxWakeups = postgresWakeups(options.url, options.schema, options.onIdleConnectionError);
  const feedChanges = postgresFeedChanges(options.url, options.schema, options.onIdleConnectionError);
  return { db, engine: 'postgres', schema: options.schema, outboxWakeups, feedChanges, close: async () => (await feedChanges.close(), await db.destroy()) };
}

/**
 * The database holds sealed secrets and personal data: owner-only, like the key files. SQLite
 * creates a new file 0644 and gives its -wal and -shm files the main file's mode, so the main
 * file is made 0600 before SQLite opens it, and files of an older install are tightened.
 */
function ownerOnlyDatabaseFiles(filename: string): void {
  fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(filename, 'a', 0o600));
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    // Only files this process owns can be changed; another owner's setup is theirs to keep.
    if (stat && (stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) fs.chmodSync(file, 0o600);
  }
}

/** True when the database answers a trivial query. */
export async function isReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
