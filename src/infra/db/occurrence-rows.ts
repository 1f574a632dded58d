import type { Kysely, Transaction } from 'kysely';
import type { CalendarEvent } from '../../core/events/event.ts';
import type { OccurrenceOverride } from '../../core/recurrence/occurrences.ts';
import type { Database } from './schema.ts';

// A series' exceptions live in event_occurrences; these helpers load them onto events and
// write them back in the event's own transaction.

/** Attaches each series' exceptions (one query per 500 series); one-off events get none. */
export async function withOverrides(db: Kysely<Database>, events: CalendarEvent[]): Promise<CalendarEvent[]> {
  const ids = events.filter((e) => e.rrule).map((e) => e.id);
  if (ids.length === 0) return events;
  const byEvent = new Map<string, OccurrenceOverride[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('event_occurrences')
      .selectAll()
      .where('event_id', 'in', ids.slice(i, i + 500))
      .orderBy('event_id')
      .orderBy('occurrence')
      .execute();
    for (const r of rows) {
      const list = byEvent.get(r.event_id) ?? [];
      list.push({
        occurrence: r.occurrence,
        cancelled: Number(r.cancelled) === 1,
        changes: JSON.parse(r.changes_json) as OccurrenceOverride['changes'],
        sequence: Number(r.sequence),
        updatedAt: Number(r.updated_at),
      });
      byEvent.set(r.event_id, list);
    }
  }
  return events.map((e) => (e.rrule ? { ...e, overrides: byEvent.get(e.id) ?? [] } : e));
}

/** Rewrites the exception rows of `next` when they differ from those of `previous`. */
export async function saveOverrides(trx: Transaction<Database>, previous: CalendarEvent, next: CalendarEvent): Promise<void> {
  const before = previous.overrides ?? [];
  const after = next.overrides ?? [];
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  await trx.deleteFrom('event_occurrences').where('event_id', '=', next.id).execute();
  if (after.length === 0) return;
  await trx
    .insertInto('event_occurrences')
    .values(
      after.map((o) => ({
        event_id: next.id,
        occurrence: o.occurrence,
        cancelled: o.cancelled ? 1 : 0,
        changes_json: JSON.stringify(o.changes),
        sequence: o.sequence,
        updated_at: o.updatedAt,
      })),
    )
    .execute();
}
