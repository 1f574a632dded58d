import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// How a process learns that a feed's version moved, so it can hold versions in memory and
// answer conditional requests without asking the database. The change itself tells, whatever
// code made it: a trigger on feed_versions.
// - PostgreSQL: migration 0017's trigger NOTIFYs the feed key, delivered to every listening
//   process when the writing transaction commits.
// - SQLite (one process): a temporary trigger of this connection calls back into the process
//   while the write holds the only connection, so a read queued after the callback sees the
//   committed row, and a read that finished before it is discarded by the cache (see
//   app/feed-versions.ts).

export interface FeedChanges {
  /** True while every change will be reported; while false, versions held in memory may be stale. */
  readonly live: boolean;
  /** `key` null: anything may have changed (the listener was away). Starts listening on first use. */
  subscribe(listener: (key: string | null) => void): () => void;
  close(): Promise<void>;
}

/** The SQL function the SQLite triggers call; registered on the connection by the dialect. */
export const SQLITE_FEED_CHANGED_FUNCTION = 'cc_feed_changed';

/** Fans one source of changes out to subscribers; `start` opens the source on the first subscription. */
function hub(start: (emit: (key: string | null) => void, setLive: (live: boolean) => void) => Promise<() => Promise<void>>): FeedChanges {
  const listeners = new Set<(key: string | null) => void>();
  let live = false;
  let stop: Promise<() => Promise<void>> | null = null;
  const emit = (key: string | null) => {
    for (const listener of listeners) listener(key);
  };
  return {
    get live() {
      return live;
    },
    subscribe(listener) {
      listeners.add(listener);
      stop ??= start(emit, (now) => {
        live = now;
        emit(null); // whatever was held before this moment is unproven
      });
      return () => void listeners.delete(listener);
    },
    async close() {
      live = false;
      listeners.clear();
      if (stop) await (await stop)();
    },
  };
}

/**
 * SQLite: `register` receives the callback for the SQL function the triggers call (the dialect
 * binds it to the connection); the temporary triggers are made on first subscription, once the
 * migrated table exists. Temporary: they are this connection's, so other tools writing the file
 * (the sqlite3 shell) do not need the function.
 */
export function sqliteFeedChanges(db: Kysely<Database>, register: (callback: (key: string) => void) => void): FeedChanges {
  return hub(async (emit, setLive) => {
    register((key) => emit(key));
    const call = `select ${SQLITE_FEED_CHANGED_FUNCTION}`;
    try {
      await sql.raw(`create temp trigger if not exists cc_feed_inserted after insert on main.feed_versions begin ${call}(new.feed_key); end`).execute(db);
      await sql.raw(`create temp trigger if not exists cc_feed_updated after update on main.feed_versions begin ${call}(new.feed_key); end`).execute(db);
      await sql.raw(`create temp trigger if not exists cc_feed_deleted after delete on main.feed_versions begin ${call}(old.feed_key); end`).execute(db);
      setLive(true);
    } catch {
      // Not migrated yet (or closed): stay not live, so versions are always read from the table.
    }
    return async () => undefined;
  });
}

/**
 * PostgreSQL: LISTEN on the schema's channel on a connection of its own, opened again when it
 * drops. Live only between a confirmed LISTEN and the connection's end; TCP keep-alive finds a
 * connection that died silently.
 */
export function postgresFeedChanges(url: string, schema: string | undefined, onError: (error: Error) => void = () => undefined): FeedChanges {
  return hub(async (emit, setLive) => {
    let client: pg.Client | null = null;
    let closed = false;
    let retry: NodeJS.Timeout | undefined;
    let wasLive = false;
    const down = () => {
      if (wasLive) setLive(false);
      wasLive = false;
    };
    async function connect(): Promise<void> {
      const c = new pg.Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 10_000, options: schema ? `-c search_path=${schema}` : undefined });
      client = c;
      c.on('error', (error) => (down(), closed || onError(error)));
      c.on('end', () => {
        down();
        if (!closed) retry = setTimeout(() => void connect(), 500);
      });
      c.on('notification', (n) => emit(n.payload ?? null));
      try {
        await c.connect();
        const { rows } = await c.query<{ schema: string }>('select current_schema() as schema');
        await c.query(`listen "cc_feeds_${rows[0]!.schema.replace(/"/g, '')}"`);
        if (closed) return;
        wasLive = true;
        setLive(true);
      } catch (error) {
        if (!closed) onError(error as Error);
        await c.end().catch(() => undefined); // 'end' schedules the next try
      }
    }
    void connect();
    return async () => {
      closed = true;
      clearTimeout(retry);
      down();
      await client?.end().catch(() => undefined);
    };
  });
}
