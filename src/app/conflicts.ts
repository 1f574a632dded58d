import { findClashes, freeEvenings, withoutOwnCopies, type BusyBlock } from '../core/conflicts/clashes.ts';
import { addDays, formatLocalDate, utcToZoned, zonedToUtcMs, type LocalDateTime } from '../core/time/local-time.ts';
import type { Connection, ConnectionRepository } from '../infra/db/connection-repository.ts';
import { rowToEvent, type EventRepository } from '../infra/db/event-repository.ts';
import { withOverrides } from '../infra/db/occurrence-rows.ts';
import type { ProviderRegistry } from '../integrations/registry.ts';
import type { Database } from '../infra/db/schema.ts';
import type { Kysely } from 'kysely';
import { NotFoundError } from './errors.ts';
import { occurrencesBetween } from '../core/recurrence/occurrences.ts';
import { checkedChoice, planBusyCalendars, type BusyCalendarPlan } from './busy-calendars.ts';
import { ExpiringCache } from './expiring-cache.ts';

// The events in a range that clash with the visitor's own busy times, from every connection
// that may read them. Busy data is cached per connection for a few minutes (and dropped when we
// push to that connection); a provider that is down gives "couldn't check", never a false "free".
// The cache holds whole UTC days, so every range inside the same days costs one provider request
// out of the quota all syncing shares; it is bounded in entries and each entry expires.

const CACHE_MS = 5 * 60_000;
const CACHE_ENTRIES = 2_000;
const DAY_MS = 86_400_000;
/** What "an evening" means for the free-evening suggestions, in the person's zone. */
const EVENING = { fromHour: 18, toHour: 23 };

/** Local dates from the one holding `from` to the one holding `to` (at most ~62). */
function localDays(from: number, to: number, zone: string): string[] {
  const days: string[] = [];
  let day: LocalDateTime = { ...utcToZoned(from, zone), hour: 0, minute: 0, second: 0 };
  const last = formatLocalDate(utcToZoned(to, zone));
  for (let i = 0; i < 70; i++, day = addDays(day, 1)) {
    days.push(formatLocalDate(day));
    if (days.at(-1) === last) break;
  }
  return days;
}

function eveningIn(zone: string) {
  return (date: string) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const at = (hour: number) => zonedToUtcMs({ year, month, day, hour, minute: 0, second: 0 }, zone);
    return { start: at(EVENING.fromHour), end: at(EVENING.toHour) };
  };
}

export interface ConnectionCheck {
  connectionId: string;
  kind: string;
  status: 'ok' | 'unavailable';
  reason?: string;
  /** The names of the calendars read (when status is ok). */
  calendars?: string[];
  /** Why not every calendar could be read, e.g. the granted scope allows only the main one. */
  note?: string;
}

interface BusyRead {
  busy: BusyBlock[];
  calendars: string[];
  note: string | null;
}

export interface ConflictsDeps {
  db: Kysely<Database>;
  connections: ConnectionRepository;
  events: EventRepository;
  registry: ProviderRegistry;
  clock?: () => number;
  /** How many (connection, days) answers are kept at most. */
  cacheEntries?: number;
}

export type ConflictUseCases = ReturnType<typeof createConflictUseCases>;

export function createConflictUseCases(d: ConflictsDeps) {
  const clock = d.clock ?? Date.now;
  // Promises, so that requests for the same days at the same time share one provider request.
  const cache = new ExpiringCache<Promise<BusyRead>>({ maxEntries: d.cacheEntries ?? CACHE_ENTRIES, ttlMs: CACHE_MS });

  /** The busy times of `c` within [from, to), read for the whole UTC days around it. */
  async function busyFor(c: Connection, from: number, to: number): Promise<BusyRead> {
    const dayFrom = Math.floor(from / DAY_MS) * DAY_MS;
    const dayTo = Math.ceil(to / DAY_MS) * DAY_MS;
    const key = `${c.id}\n${dayFrom}\n${dayTo}`;
    let read = cache.get(key, clock());
    if (!read) {
      read = readBusy(c, dayFrom, dayTo);
      cache.set(key, read, clock());
      read.catch(() => cache.deleteIf(key, read!)); // a failure is not remembered
    }
    const days = await read;
    const busy = days.busy.filter((b) => b.end > from && b.start < to).map((b) => ({ ...b, start: Math.max(b.start, from), end: Math.min(b.end, to) }));
    return { ...days, busy };
  }

  async function readBusy(c: Connection, from: number, to: number): Promise<BusyRead> {
    const provider = await d.registry.forConnection(c);
    // Every calendar that counts (by default all the person owns), not only the default one.
    const plan = await planBusyCalendars(c, provider, await d.connections.busyCalendarIds(c.id));
    const counted = plan.calendars.filter((cal) => cal.counts);
    const intervals = counted.length > 0 ? await provider.busyIntervals(counted.map((cal) => cal.id), from, to) : [];
    return { busy: intervals.map((b) => ({ ...b, connectionId: c.id })), calendars: counted.map((cal) => cal.name), note: plan.note };
  }

  async function ownConnection(visitorId: string, connectionId: string): Promise<Connection> {
    const c = await d.connections.get(connectionId);
    if (!c || c.visitorId !== visitorId) throw new NotFoundError('no such connection');
    return c;
  }

  async function planFor(c: Connection): Promise<BusyCalendarPlan> {
    return planBusyCalendars(c, await d.registry.forConnection(c), await d.connections.busyCalendarIds(c.id));
  }

  /** The calendars of a connection that could count for busy times, and which do. */
  async function busyCalendars(visitorId: string, connectionId: string) {
    const c = await ownConnection(visitorId, connectionId);
    const chosen = await d.connections.busyCalendarIds(c.id);
    return { ...(await planFor(c)), choice: chosen === null ? ('default' as const) : ('chosen' as const) };
  }

  function forget(connectionId: string) {
    cache.deleteWhere((key) => key.startsWith(`${connectionId}\n`));
  }

  /**
   * Our synced copies on these connections that overlap [from, to), each as the busy times the
   * person's calendar shows for it there: a one-off event's own times, a series' every
   * occurrence (changes applied, cancelled dates left out), since free/busy answers come
   * expanded and without ids. Clipped to the range as the busy blocks are.
   */
  async function ownCopies(connectionIds: string[], from: number, to: number) {
    if (connectionIds.length === 0) return [];
    const rows = await d.db
      .selectFrom('pushed_copies')
      .innerJoin('events', 'events.id', 'pushed_copies.event_id')
      .selectAll('events')
      .select(['pushed_copies.connection_id as connectionId', 'pushed_copies.remote_id as remoteId'])
      .where('pushed_copies.connection_id', 'in', connectionIds)
      .where('pushed_copies.state', '=', 'synced')
      .where('events.range_end_utc', '>', from)
      .where('events.start_utc', '<', to)
      .execute();
    const events = new Map((await withOverrides(d.db, rows.map(rowToEvent))).map((e) => [e.id, e]));
    return rows.flatMap((r) =>
      occurrencesBetween(events.get(r.id)!, from, to)
        .filter((o) => o.status !== 'cancelled')
        .map((o) => ({ connectionId: r.connectionId, remoteId: r.remoteId, start: Math.max(o.startUtc, from), end: Math.min(o.endUtc, to) })),
    );
  }

  return {
    /** Drop cached busy data of a connection (we just changed its calendar). */
    forget,

    busyCalendars,

    /** Stores which calendars count (null: back to "all I own"); unknown ids change nothing. */
    async setBusyCalendars(visitorId: string, connectionId: string, calendarIds: string[] | null) {
      const c = await ownConnection(visitorId, connectionId);
      const choice = checkedChoice(await planFor(c), calendarIds);
      await d.connections.setBusyCalendarIds(c.id, choice, clock());
      forget(c.id);
      return busyCalendars(visitorId, connectionId);
    },

    /** `zone`: the person's time zone, for the evenings (a valid IANA name). */
    async conflicts(visitorId: string, from: number, to: number, zone = 'UTC') {
      const connections = (await d.connections.listForVisitor(visitorId)).filter((c) => c.status === 'active');
      const checks: ConnectionCheck[] = [];
      const busy: BusyBlock[] = [];
      await Promise.all(
        connections.map(async (c) => {
          try {
            const read = await busyFor(c, from, to);
            busy.push(...read.busy);
            checks.push({ connectionId: c.id, kind: c.kind, status: 'ok', calendars: read.calendars, ...(read.note ? { note: read.note } : {}) });
          } catch (error) {
            checks.push({ connectionId: c.id, kind: c.kind, status: 'unavailable', reason: (error as Error).message });
          }
        }),
      );
      const events = await d.events.list({ from, to, includeCancelled: false, limit: 500 });
      const mine = withoutOwnCopies(busy, await ownCopies(connections.map((c) => c.id), from, to));
      // Each occurrence of a series in the range is checked on its own (changes applied, cancelled ones skipped).
      const occurrences = events.flatMap((e) =>
        occurrencesBetween(e, from, to)
          .filter((o) => o.status !== 'cancelled')
          .map((o) => ({ id: e.id, occurrence: o.occurrence, title: o.title, start: o.startUtc, end: o.endUtc, allDay: e.allDay })),
      );
      const clashes = findClashes(occurrences, mine);
      const titleOf = new Map(occurrences.map((o) => [`${o.id}\n${o.occurrence}`, o.title]));
      const kindOf = new Map(connections.map((c) => [c.id, c.kind]));
      // Free evenings only when every calendar answered: a calendar we could not read might be
      // the busy one. Our own copies count here: an evening with a saved event is not free.
      const knowsAll = connections.length > 0 && checks.every((c) => c.status === 'ok');
      const clashing = new Set(clashes.map((x) => x.eventId));
      // The evenings wholly inside the range and not over yet, each computed once.
      const evening = eveningIn(zone);
      const windows = new Map(localDays(from, to, zone).map((day) => [day, evening(day)]));
      for (const [day, w] of windows) if (w.start < from || w.end > to || w.end <= clock()) windows.delete(day);
      const free = knowsAll ? freeEvenings([...windows.keys()], busy, (day) => windows.get(day)!) : null;
      return {
        items: events
          .filter((e) => clashing.has(e.id))
          .map((e) => ({
            eventId: e.id,
            title: e.title,
            clashes: clashes
              .filter((x) => x.eventId === e.id)
              .map((x) => ({
                occurrence: x.occurrence ?? '',
                occurrenceTitle: titleOf.get(`${e.id}\n${x.occurrence}`) ?? e.title,
                occurrenceStart: new Date(x.occurrenceStart).toISOString(),
                occurrenceEnd: new Date(x.occurrenceEnd).toISOString(),
                connectionId: x.connectionId, kind: kindOf.get(x.connectionId) ?? 'unknown', start: new Date(x.start).toISOString(), end: new Date(x.end).toISOString(), busyStart: new Date(x.busyStart).toISOString(), busyEnd: new Date(x.busyEnd).toISOString() })),
          })),
        checked: checks.sort((a, b) => a.connectionId.localeCompare(b.connectionId)),
        freeEvenings:
          free?.map((date) => {
            const w = windows.get(date)!;
            // What is on that evening and fits: suggestions from the same data.
            const fits = occurrences.filter((o) => !o.allDay && o.start >= w.start && o.start < w.end && !clashing.has(o.id));
            return { date, eventIds: [...new Set(fits.map((o) => o.id))] };
          }) ?? null,
      };
    },
  };
}
