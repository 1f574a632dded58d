import type { FeedState } from '../core/feeds/feed.ts';
import type { FeedChanges } from '../infra/db/feed-changes.ts';
import { BoundedCache } from './bounded-cache.ts';

// Feed versions held in memory, so a conditional request is answered without the database.
// A held version is dropped by the change itself (FeedChanges: a NOTIFY on PostgreSQL, a
// trigger callback on SQLite). A read that was under way when a change arrived is not kept:
// it may have seen the row before the change. While the change listener is down nothing held
// is trusted. MAX_AGE_MS bounds the damage of a listener that died without anyone noticing.

const MAX_AGE_MS = 30_000;

export interface FeedVersionsOptions {
  read(feedKey: string): Promise<FeedState | null>;
  changes: FeedChanges;
  /** How many feeds' versions to hold (personal feeds are one per subscriber). */
  maxEntries?: number;
}

export type FeedVersions = ReturnType<typeof createFeedVersions>;

export function createFeedVersions(o: FeedVersionsOptions) {
  const held = new BoundedCache<{ state: FeedState; at: number }>(o.maxEntries ?? 100_000);
  // The read under way per feed; a change removes it, and a removed read's result is not kept.
  const reading = new Map<string, object>();
  let unsubscribe: (() => void) | null = null;

  function listen(): void {
    unsubscribe ??= o.changes.subscribe((key) => {
      if (key === null) {
        held.clear();
        reading.clear();
      } else {
        held.delete(key);
        reading.delete(key);
      }
    });
  }

  return {
    /** The version held in memory, if it can be trusted now. */
    held(feedKey: string): FeedState | undefined {
      listen();
      if (!o.changes.live) {
        held.clear(); // changes may be missed from now on: what is held stays unproven
        return undefined;
      }
      const entry = held.get(feedKey);
      if (!entry) return undefined;
      if (performance.now() - entry.at > MAX_AGE_MS) {
        held.delete(feedKey);
        return undefined;
      }
      return entry.state;
    },

    /** The version in the database (null: no such feed); held when no change came meanwhile. */
    async read(feedKey: string): Promise<FeedState | null> {
      listen();
      const token = {};
      reading.set(feedKey, token);
      const at = performance.now();
      try {
        const state = await o.read(feedKey);
        if (state && reading.get(feedKey) === token && o.changes.live) held.set(feedKey, { state, at }, 1);
        return state;
      } finally {
        if (reading.get(feedKey) === token) reading.delete(feedKey);
      }
    },

    forgetAll(): void {
      held.clear();
      reading.clear();
    },

    stop(): void {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
