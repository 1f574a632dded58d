import { sql, type RawBuilder } from 'kysely';

// A feed's changed_at becomes its Last-Modified, which HTTP carries in whole seconds. Two
// changes within one second would share a Last-Modified, and a client polling with
// If-Modified-Since between them would keep the older content. So each change moves
// changed_at into a later second than the one before. The price: during a burst of
// same-second changes, Last-Modified runs up to a second per change ahead of the clock —
// a stale copy would be worse than a date a moment early.

/** The new changed_at for a feed_versions row changed at `changedAt` (epoch ms). */
export function nextChangedAt(changedAt: number): RawBuilder<number> {
  return sql<number>`case when ${changedAt} >= (feed_versions.changed_at / 1000 + 1) * 1000 then ${changedAt} else (feed_versions.changed_at / 1000 + 1) * 1000 end`;
}
