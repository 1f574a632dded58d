import { findClashes, withoutOwnCopies, type BusyBlock } from '../core/conflicts/clashes.ts';
import type { Connection, ConnectionRepository } from '../infra/db/connection-repository.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { ProviderRegistry } from '../integrations/registry.ts';
import type { Database } from '../infra/db/schema.ts';
import type { Kysely } from 'kysely';

// The events in a range that clash with the visitor's own busy times, from every connection
// that may read them. Busy data is cached per connection for a few minutes (and dropped when we
// push to that connection); a provider that is down gives "couldn't check", never a false "free".

const CACHE_MS = 5 * 60_000;

export interface ConnectionCheck {
  connectionId: string;
  kind: string;
  status: 'ok' | 'unavailable';
  reason?: string;
}

export interface ConflictsDeps {
  db: Kysely<Database>;
  connections: ConnectionRepository;
  events: EventRepository;
  registry: ProviderRegistry;
  clock?: () => number;
}

export type ConflictUseCases = ReturnType<typeof createConflictUseCases>;

export function createConflictUseCases(d: ConflictsDeps) {
  const clock = d.clock ?? Date.now;
  const cache = new Map<string, { at: number; busy: BusyBlock[] }>();

  async function busyFor(c: Connection, from: number, to: number): Promise<BusyBlock[]> {
    const key = `${c.id}\n${from}\n${to}`;
    const hit = cache.get(key);
    if (hit && clock() - hit.at < CACHE_MS) return hit.busy;
    const provider = await d.registry.forConnection(c);
    // Google's free/busy takes calendar ids ("primary" is the person's own); Graph's
    // calendarView covers every calendar; CalDAV is asked calendar by calendar.
    const calendars = c.kind === 'google' ? ['primary'] : c.kind === 'caldav' ? (await provider.listCalendars()).map((cal) => cal.id) : [];
    const busy = (await provider.busyIntervals(calendars, from, to)).map((b) => ({ ...b, connectionId: c.id }));
    cache.set(key, { at: clock(), busy });
    return busy;
  }

  async function ownCopies(connectionIds: string[]) {
    if (connectionIds.length === 0) return [];
    const rows = await d.db
      .selectFrom('pushed_copies')
      .innerJoin('events', 'events.id', 'pushed_copies.event_id')
      .select(['pushed_copies.connection_id as connectionId', 'pushed_copies.remote_id as remoteId', 'events.start_utc as start', 'events.end_utc as end'])
      .where('pushed_copies.connection_id', 'in', connectionIds)
      .where('pushed_copies.state', '=', 'synced')
      .execute();
    return rows.map((r) => ({ ...r, start: Number(r.start), end: Number(r.end) }));
  }

  return {
    /** Drop cached busy data of a connection (we just changed its calendar). */
    forget(connectionId: string) {
      for (const key of cache.keys()) if (key.startsWith(`${connectionId}\n`)) cache.delete(key);
    },

    async conflicts(visitorId: string, from: number, to: number) {
      const connections = (await d.connections.listForVisitor(visitorId)).filter((c) => c.status === 'active');
      const checks: ConnectionCheck[] = [];
      const busy: BusyBlock[] = [];
      await Promise.all(
        connections.map(async (c) => {
          try {
            busy.push(...(await busyFor(c, from, to)));
            checks.push({ connectionId: c.id, kind: c.kind, status: 'ok' });
          } catch (error) {
            checks.push({ connectionId: c.id, kind: c.kind, status: 'unavailable', reason: (error as Error).message });
          }
        }),
      );
      const events = await d.events.list({ from, to, includeCancelled: false, limit: 500 });
      const mine = withoutOwnCopies(busy, await ownCopies(connections.map((c) => c.id)));
      const clashes = findClashes(events.map((e) => ({ id: e.id, start: e.startUtc, end: e.endUtc })), mine);
      const kindOf = new Map(connections.map((c) => [c.id, c.kind]));
      return {
        items: events
          .filter((e) => clashes.some((x) => x.eventId === e.id))
          .map((e) => ({
            eventId: e.id,
            title: e.title,
            clashes: clashes
              .filter((x) => x.eventId === e.id)
              .map((x) => ({ connectionId: x.connectionId, kind: kindOf.get(x.connectionId) ?? 'unknown', start: new Date(x.start).toISOString(), end: new Date(x.end).toISOString() })),
          })),
        checked: checks.sort((a, b) => a.connectionId.localeCompare(b.connectionId)),
      };
    },
  };
}
