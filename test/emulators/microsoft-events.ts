import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { isKnownTimeZone, parseLocalDateTime, zonedToUtcMs } from '../../src/core/time/local-time.ts';
import { windowsZoneRules } from '../../src/integrations/microsoft/windows-zones.ts';
import { graphAcceptsTimeZone } from './graph-time-zones.ts';
import { expandMaster, recurrenceProblem, type PatternedRecurrence } from './microsoft-recurrence.ts';

// Graph events and calendarView (reference/providers.md §3, §6 items 7, 13-15).

export interface GraphEvent {
  id: string;
  calendarId: string;
  owner: string;
  changeKey: string;
  transactionId?: string;
  subject?: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  isAllDay?: boolean;
  showAs?: string;
  [field: string]: unknown;
}

type Send = (res: http.ServerResponse, status: number, body?: unknown) => void;
type Err = (code: string, message: string) => unknown;

/** The instant of a Graph time: a Windows zone follows the rules of CLDR's "001" IANA zone for it. */
export function graphInstant(t: { dateTime: string; timeZone: string } | undefined): number | null {
  if (!t?.dateTime) return null;
  const zone = windowsZoneRules(t.timeZone) ?? t.timeZone;
  const local = parseLocalDateTime(t.dateTime.slice(0, 19));
  if (!local || !isKnownTimeZone(zone)) return null;
  return zonedToUtcMs(local, zone);
}

/** Graph's answer to a start or end zone it does not document (create and update), or null. */
function unsupportedZone(e: Partial<GraphEvent>, error: Err): unknown {
  const zone = [e.start?.timeZone, e.end?.timeZone].find((z) => z !== undefined && !graphAcceptsTimeZone(z));
  if (zone === undefined) return null;
  return error('TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`);
}

export function createGraphEvents(send: Send, error: Err) {
  const events = new Map<string, GraphEvent>();
  const creates = new Map<string, number>();
  /** Per series master: the original starts of occurrences deleted on their own. */
  const deletedOccurrences = new Map<string, Set<number>>();

  const badRecurrence = (e: Partial<GraphEvent>) => {
    if (e.recurrence === undefined || e.recurrence === null) return null;
    const why = recurrenceProblem(e.recurrence as PatternedRecurrence, String(e.start?.dateTime ?? '').slice(0, 10));
    return why ? error('ErrorInvalidRequest', `The recurrence is invalid: ${why}.`) : null;
  };
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  /**
   * A master's instances as /instances and calendarView list them: type "occurrence", or the
   * stored "exception" for one changed on its own; each with seriesMasterId and originalStart;
   * deleted ones left out ("doesn't include occurrences that have been canceled from the
   * series": https://learn.microsoft.com/en-us/graph/api/event-list-instances).
   */
  function instancesOf(master: GraphEvent): GraphEvent[] {
    const deleted = deletedOccurrences.get(master.id) ?? new Set<number>();
    const { recurrence: _, transactionId: _t, ...fields } = master;
    return expandMaster(master as Parameters<typeof expandMaster>[0])
      .filter((o) => !deleted.has(o.originalStartUtc))
      .map((o) => {
        const id = `${master.id}_${stamp(o.originalStartUtc)}`;
        return events.get(id) ?? ({ ...fields, id, type: 'occurrence', seriesMasterId: master.id, originalStart: new Date(o.originalStartUtc).toISOString(), start: o.start, end: o.end } as GraphEvent);
      });
  }
  /** An occurrence not changed yet has no stored copy: found through its master. */
  function occurrence(id: string): GraphEvent | undefined {
    const m = /^(.+)_\d{8}T\d{6}Z$/.exec(id);
    const master = m ? events.get(m[1]!) : undefined;
    return master?.type === 'seriesMaster' ? instancesOf(master).find((i) => i.id === id) : undefined;
  }
  /** What a calendar shows: series as their instances, everything else as is. */
  const shown = (e: GraphEvent): GraphEvent[] => (e.type === 'seriesMaster' ? instancesOf(e) : e.type === 'exception' ? [] : [e]);

  const valid = (e: GraphEvent) => {
    const s = graphInstant(e.start);
    const end = graphInstant(e.end);
    return s !== null && end !== null && end > s;
  };
  const out = (e: GraphEvent, utc: boolean) =>
    utc
      ? { ...e, start: { dateTime: new Date(graphInstant(e.start)!).toISOString().slice(0, 23) + '0000', timeZone: 'UTC' }, end: { dateTime: new Date(graphInstant(e.end)!).toISOString().slice(0, 23) + '0000', timeZone: 'UTC' } }
      : e;

  return {
    events,
    deletedOccurrences,
    /** GET /me/events/{id}/instances: a master's occurrences and exceptions in the window, paged like calendarView. */
    instances(req: http.IncomingMessage, res: http.ServerResponse, owner: string, id: string, url: URL) {
      const master = events.get(id);
      if (!master || master.owner !== owner) return send(res, 404, error('ErrorItemNotFound', 'The specified object was not found in the store.'));
      const from = Date.parse(url.searchParams.get('startDateTime') ?? '');
      const to = Date.parse(url.searchParams.get('endDateTime') ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) return send(res, 400, error('ErrorInvalidParameter', 'startDateTime and endDateTime are required.'));
      const utc = /outlook\.timezone="UTC"/.test(String(req.headers.prefer ?? ''));
      const all = (master.type === 'seriesMaster' ? instancesOf(master) : []).filter((e) => graphInstant(e.start)! < to && graphInstant(e.end)! > from).map((e) => out(e, utc));
      const top = Number(url.searchParams.get('$top') ?? 10);
      const skip = Number(url.searchParams.get('$skip') ?? 0);
      const nextUrl = new URL(url);
      nextUrl.searchParams.set('$skip', String(skip + top));
      send(res, 200, { value: all.slice(skip, skip + top), ...(skip + top < all.length ? { '@odata.nextLink': nextUrl.href } : {}) });
    },
    /** Successful creates per transactionId: more than one would be a duplicate. */
    creates,
    create(res: http.ServerResponse, owner: string, calendarId: string, body: GraphEvent) {
      // A POST repeated with the same transactionId returns the event already created.
      const earlier = body.transactionId ? [...events.values()].find((e) => e.owner === owner && e.transactionId === body.transactionId) : undefined;
      if (earlier) return send(res, 201, earlier);
      const refused = unsupportedZone(body, error);
      if (refused) return send(res, 400, refused);
      if (!valid(body)) return send(res, 400, error('ErrorInvalidRequest', 'The start or end time is invalid.'));
      const invalid = badRecurrence(body);
      if (invalid) return send(res, 400, invalid);
      const type = body.recurrence ? 'seriesMaster' : 'singleInstance';
      const event: GraphEvent = { ...body, id: `AAMkE${randomBytes(12).toString('hex')}`, type, calendarId, owner, changeKey: randomBytes(6).toString('hex') };
      events.set(event.id, event);
      if (body.transactionId) creates.set(body.transactionId, (creates.get(body.transactionId) ?? 0) + 1);
      send(res, 201, event);
    },
    one(req: http.IncomingMessage, res: http.ServerResponse, owner: string, id: string, body: Partial<GraphEvent> | null) {
      const existing = events.get(id) ?? occurrence(id);
      if (!existing || existing.owner !== owner) return send(res, 404, error('ErrorItemNotFound', 'The specified object was not found in the store.'));
      if (req.method === 'GET') return send(res, 200, existing);
      if (req.method === 'DELETE') {
        events.delete(id);
        // Deleting an occurrence cancels that date of its series; deleting a master, the series.
        if (existing.seriesMasterId) {
          const deleted = deletedOccurrences.get(String(existing.seriesMasterId)) ?? new Set<number>();
          deleted.add(Date.parse(String(existing.originalStart)));
          deletedOccurrences.set(String(existing.seriesMasterId), deleted);
        }
        if (existing.type === 'seriesMaster') for (const [key, e] of events) if (e.seriesMasterId === id) events.delete(key);
        return send(res, 204);
      }
      // An occurrence changed on its own becomes an exception; it keeps its place in the series.
      const tie = existing.seriesMasterId ? { type: 'exception', seriesMasterId: existing.seriesMasterId, originalStart: existing.originalStart, recurrence: null } : {};
      if (existing.seriesMasterId && body?.recurrence) return send(res, 400, error('ErrorInvalidRequest', 'An occurrence cannot have its own recurrence.'));
      const next = { ...existing, ...body, id, owner, calendarId: existing.calendarId, changeKey: randomBytes(6).toString('hex'), ...tie } as GraphEvent;
      const refused = unsupportedZone(body ?? {}, error);
      if (refused) return send(res, 400, refused);
      if (!valid(next)) return send(res, 400, error('ErrorInvalidRequest', 'The start or end time is invalid.'));
      const invalid = existing.type === 'seriesMaster' || next.recurrence ? badRecurrence(next) : null;
      if (invalid) return send(res, 400, invalid);
      // A PATCH changes only what it names; an explicit `recurrence: null` makes a seriesMaster a
      // single event at its first date, and its exceptions and deleted dates go with the series
      // (https://learn.microsoft.com/en-us/graph/api/event-update;
      // https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/264: "the only way to disable
      // recurrence is to set the property to null"). `type` follows, as the resource says.
      if (!existing.seriesMasterId) {
        next.type = next.recurrence ? 'seriesMaster' : 'singleInstance';
        if (existing.type === 'seriesMaster' && next.type === 'singleInstance') {
          for (const [key, e] of events) if (e.seriesMasterId === id) events.delete(key);
          deletedOccurrences.delete(id);
        }
      }
      events.set(id, next);
      send(res, 200, next);
    },
    /**
     * The events of one calendar between startDateTime and endDateTime, paged by $top/$skip with
     * an absolute @odata.nextLink, in UTC when `Prefer: outlook.timezone="UTC"` asks for it
     * (https://learn.microsoft.com/en-us/graph/api/user-list-calendarview?view=graph-rest-1.0).
     */
    calendarView(req: http.IncomingMessage, res: http.ServerResponse, owner: string, calendarId: string, url: URL) {
      const from = Date.parse(url.searchParams.get('startDateTime') ?? '');
      const to = Date.parse(url.searchParams.get('endDateTime') ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) return send(res, 400, error('ErrorInvalidParameter', 'startDateTime and endDateTime are required.'));
      const utc = /outlook\.timezone="UTC"/.test(String(req.headers.prefer ?? ''));
      // calendarView returns "occurrences, exceptions, and single instances" — series expanded.
      const all = [...events.values()]
        .filter((e) => e.owner === owner && e.calendarId === calendarId)
        .flatMap(shown)
        .filter((e) => graphInstant(e.start)! < to && graphInstant(e.end)! > from)
        .sort((a, b) => graphInstant(a.start)! - graphInstant(b.start)!)
        .map((e) => out(e, utc));
      // Graph's default page is 10 events; $top asks for more.
      const top = Number(url.searchParams.get('$top') ?? 10);
      const skip = Number(url.searchParams.get('$skip') ?? 0);
      const nextUrl = new URL(url);
      nextUrl.searchParams.set('$skip', String(skip + top));
      const next = skip + top < all.length ? { '@odata.nextLink': nextUrl.href } : {};
      send(res, 200, { value: all.slice(skip, skip + top), ...next });
    },
  };
}
