import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { isKnownTimeZone, parseLocalDateTime, zonedToUtcMs } from '../../src/core/time/local-time.ts';

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

// A few Windows zone names Graph documents, next to IANA names and UTC.
const WINDOWS_ZONES: Record<string, string> = {
  'W. Europe Standard Time': 'Europe/Berlin',
  'Eastern Standard Time': 'America/New_York',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'AUS Eastern Standard Time': 'Australia/Sydney',
};

export function graphInstant(t: { dateTime: string; timeZone: string } | undefined): number | null {
  if (!t?.dateTime) return null;
  const zone = WINDOWS_ZONES[t.timeZone] ?? t.timeZone;
  const local = parseLocalDateTime(t.dateTime.slice(0, 19));
  if (!local || !isKnownTimeZone(zone)) return null;
  return zonedToUtcMs(local, zone);
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
      if (!valid(next)) return send(res, 400, error('ErrorInvalidRequest', 'The start or end time is invalid.'));
      events.set(id, next);
      send(res, 200, next);
    },
    calendarView(req: http.IncomingMessage, res: http.ServerResponse, owner: string, url: URL) {
      const from = Date.parse(url.searchParams.get('startDateTime') ?? '');
      const to = Date.parse(url.searchParams.get('endDateTime') ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) return send(res, 400, error('ErrorInvalidParameter', 'startDateTime and endDateTime are required.'));
      const utc = /outlook\.timezone="UTC"/.test(String(req.headers.prefer ?? ''));
      const value = [...events.values()]
        .filter((e) => e.owner === owner && graphInstant(e.start)! < to && graphInstant(e.end)! > from)
        .sort((a, b) => graphInstant(a.start)! - graphInstant(b.start)!)
        .map((e) => out(e, utc));
      send(res, 200, { value });
    },
  };
}
