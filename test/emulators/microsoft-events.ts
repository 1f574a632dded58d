import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { isKnownTimeZone, parseLocalDateTime, zonedToUtcMs } from '../../src/core/time/local-time.ts';
import { windowsZoneRules } from '../../src/integrations/microsoft/windows-zones.ts';
import { graphAcceptsTimeZone } from './graph-time-zones.ts';

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
    /** Successful creates per transactionId: more than one would be a duplicate. */
    creates,
    create(res: http.ServerResponse, owner: string, calendarId: string, body: GraphEvent) {
      // A POST repeated with the same transactionId returns the event already created.
      const earlier = body.transactionId ? [...events.values()].find((e) => e.owner === owner && e.transactionId === body.transactionId) : undefined;
      if (earlier) return send(res, 201, earlier);
      const refused = unsupportedZone(body, error);
      if (refused) return send(res, 400, refused);
      if (!valid(body)) return send(res, 400, error('ErrorInvalidRequest', 'The start or end time is invalid.'));
      const event: GraphEvent = { ...body, id: `AAMkE${randomBytes(12).toString('hex')}`, calendarId, owner, changeKey: randomBytes(6).toString('hex') };
      events.set(event.id, event);
      if (body.transactionId) creates.set(body.transactionId, (creates.get(body.transactionId) ?? 0) + 1);
      send(res, 201, event);
    },
    one(req: http.IncomingMessage, res: http.ServerResponse, owner: string, id: string, body: Partial<GraphEvent> | null) {
      const existing = events.get(id);
      if (!existing || existing.owner !== owner) return send(res, 404, error('ErrorItemNotFound', 'The specified object was not found in the store.'));
      if (req.method === 'GET') return send(res, 200, existing);
      if (req.method === 'DELETE') {
        events.delete(id);
        return send(res, 204);
      }
      const next = { ...existing, ...body, id, owner, calendarId: existing.calendarId, changeKey: randomBytes(6).toString('hex') } as GraphEvent;
      const refused = unsupportedZone(body ?? {}, error);
      if (refused) return send(res, 400, refused);
      if (!valid(next)) return send(res, 400, error('ErrorInvalidRequest', 'The start or end time is invalid.'));
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
      const all = [...events.values()]
        .filter((e) => e.owner === owner && e.calendarId === calendarId && graphInstant(e.start)! < to && graphInstant(e.end)! > from)
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
