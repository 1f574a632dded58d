import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

// A store for @fastify/rate-limit whose counters live in our database, so that every process on
// one PostgreSQL database counts the same requests (a client spread over several processes gets
// no more than one process would give it). Fixed windows, like the plugin's own in-memory store.

interface Count {
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}
type Done = (error: Error | null, result?: Count) => void;

/** One more request for `key`: its count in the current window (a new window when the last one ended). */
export async function countHit(db: Kysely<Database>, key: string, windowMs: number, now: number): Promise<Count> {
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, resets_at: now + windowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql`case when rate_limits.resets_at <= ${now} then 1 else rate_limits.hits + 1 end`,
        resets_at: sql`case when rate_limits.resets_at <= ${now} then ${now + windowMs} else rate_limits.resets_at end`,
      }),
    )
    .returning(['hits', 'resets_at'])
    .executeTakeFirstOrThrow();
  return { current: Number(row.hits), ttl: Number(row.resets_at) - now };
}

/** The count of `key` in the current window, without counting. */
export async function readHits(db: Kysely<Database>, key: string, now: number): Promise<Count> {
  const row = await db.selectFrom('rate_limits').select(['hits', 'resets_at']).where('key', '=', key).executeTakeFirst();
  if (!row || Number(row.resets_at) <= now) return { current: 0, ttl: 0 };
  return { current: Number(row.hits), ttl: Number(row.resets_at) - now };
}

/** Counters whose window ended before `now` (the housekeeping removes them). */
export async function removeEndedWindows(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('resets_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The store class the plugin instantiates (`new Store(options)`). Every limit is a child of it;
 * they share the table, as every key starts with its limit's name (http/plugins/rate-limits.ts).
 */
export function databaseRateLimitStore(db: Kysely<Database>, clock: () => number = Date.now) {
  return class DatabaseRateLimitStore {
    incr(key: string, done: Done, timeWindow: number): void {
      countHit(db, key, timeWindow, clock()).then((c) => done(null, c), done);
    }
    read(key: string, done: Done): void {
      readHits(db, key, clock()).then((c) => done(null, c), done);
    }
    child(): DatabaseRateLimitStore {
      return this;
    }
  };
}
