import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { parseLocalDate, parseLocalDateTime, zonedToUtcMs, isKnownTimeZone } from '../../src/core/time/local-time.ts';

// Google Calendar API v3 events and freeBusy (reference/providers.md §2, §6 items 6, 8, 13-16).

export interface GoogleEvent {
  id: string;
  calendarId: string;
  etag: string;
  status: string;
  transparency?: string;
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
  [field: string]: unknown;
}

type Send = (res: http.ServerResponse, status: number, body?: unknown) => void;
type Err = (code: number, reason: string, message: string) => unknown;

const ID = /^[a-v0-9]{5,1024}$/;
const FREE_BUSY_MAX_CALENDARS = 50;

/** An instant from a Google time ({dateTime, timeZone} or {date}); null when invalid. */
export function googleInstant(t: GoogleEvent['start']): number | null {
  if (t.date) {
    const d = parseLocalDate(t.date);
    return d ? zonedToUtcMs(d, 'UTC') : null;
  }
  if (!t.dateTime) return null;
  if (/[zZ]|[+-]\d\d:\d\d$/.test(t.dateTime)) return Number.isNaN(Date.parse(t.dateTime)) ? null : Date.parse(t.dateTime);
  const local = parseLocalDateTime(t.dateTime.slice(0, 19));
  if (!local || !t.timeZone || !isKnownTimeZone(t.timeZone)) return null;
  return zonedToUtcMs(local, t.timeZone);
}

export function createGoogleEvents(send: Send, error: Err) {
  const events = new Map<string, GoogleEvent>();
  const inserts = new Map<string, number>();
  const key = (calendarId: string, id: string) => `${calendarId}\n${id}`;

  function validTimes(body: GoogleEvent): boolean {
    const start = googleInstant(body.start ?? {});
    const end = googleInstant(body.end ?? {});
    return start !== null && end !== null && end > start;
  }

  return {
    events,
    /** How many times an id was inserted successfully (proves "no duplicate"). */
    inserts,
    insert(res: http.ServerResponse, calendarId: string, body: GoogleEvent) {
      const id = body.id ?? randomBytes(13).toString('hex').replace(/[w-z]/g, 'a');
      if (!ID.test(id)) return send(res, 400, error(400, 'invalid', 'Invalid resource id value.'));
      if (events.has(key(calendarId, id))) return send(res, 409, error(409, 'duplicate', 'The requested identifier already exists.'));
      if (!validTimes(body)) return send(res, 400, error(400, 'timeRangeEmpty', 'The specified time range is empty or invalid.'));
      const stored = { ...body, id, calendarId, status: body.status ?? 'confirmed', etag: `"${randomBytes(8).toString('hex')}"` };
      events.set(key(calendarId, id), stored);
      inserts.set(id, (inserts.get(id) ?? 0) + 1);
      send(res, 200, stored);
    },
    one(req: http.IncomingMessage, res: http.ServerResponse, calendarId: string, id: string, body: GoogleEvent | null) {
      const existing = events.get(key(calendarId, id));
      if (!existing) return send(res, 404, error(404, 'notFound', 'Not Found'));
      const ifMatch = req.headers['if-match'];
      if (ifMatch && ifMatch !== existing.etag) return send(res, 412, error(412, 'conditionNotMet', 'Precondition Failed'));
      if (req.method === 'GET') return send(res, 200, existing);
      if (req.method === 'DELETE') {
        if (existing.status === 'cancelled') return send(res, 410, error(410, 'deleted', 'Resource has been deleted'));
        existing.status = 'cancelled'; // Google keeps deleted events (and their ids) as cancelled
        existing.etag = `"${randomBytes(8).toString('hex')}"`;
        return send(res, 204);
      }
      const next = { ...(req.method === 'PATCH' ? existing : {}), ...body, id, calendarId } as GoogleEvent;
      next.status = body?.status ?? (req.method === 'PUT' ? 'confirmed' : existing.status);
      if (!validTimes(next)) return send(res, 400, error(400, 'timeRangeEmpty', 'The specified time range is empty or invalid.'));
      next.etag = `"${randomBytes(8).toString('hex')}"`;
      events.set(key(calendarId, id), next);
      send(res, 200, next);
    },
    /**
     * freeBusy as documented (https://developers.google.com/workspace/calendar/api/v3/reference/freebusy/query):
     * each asked id is a key of `calendars`, "primary" included; a calendar that was not
     * computed answers `errors` (domain, reason) and an empty `busy`. `account` resolves
     * "primary" (the person's primary calendar, whose id is their address); `visible` says
     * whether they may read a calendar; `failing` is the test switch for a computation error.
     */
    freeBusy(
      res: http.ServerResponse,
      body: { timeMin: string; timeMax: string; items: { id: string }[] },
      account: { email: string; visible(calendarId: string): boolean; failing: Map<string, string> },
    ) {
      const from = Date.parse(body.timeMin);
      const to = Date.parse(body.timeMax);
      const resolve = (id: string) => (id === 'primary' ? account.email : id);
      const calendars: Record<string, { busy: { start: string; end: string }[]; errors?: { domain: string; reason: string }[] }> = {};
      (body.items ?? []).forEach(({ id }, index) => {
        const calendarId = resolve(id);
        // calendarExpansionMax: "Maximum value is 50"; the calendars past it are not computed.
        const reason = index >= FREE_BUSY_MAX_CALENDARS ? 'tooManyCalendarsRequested' : !account.visible(calendarId) ? 'notFound' : account.failing.get(calendarId);
        if (reason) {
          calendars[id] = { errors: [{ domain: reason === 'tooManyCalendarsRequested' ? 'usageLimits' : 'global', reason }], busy: [] };
          return;
        }
        const busy = [...events.values()]
          .filter((e) => resolve(e.calendarId) === calendarId && e.status !== 'cancelled' && e.transparency !== 'transparent')
          .map((e) => [googleInstant(e.start)!, googleInstant(e.end)!] as const)
          .filter(([s, e]) => s < to && e > from)
          .sort((a, b) => a[0] - b[0])
          .map(([s, e]) => ({ start: new Date(Math.max(s, from)).toISOString(), end: new Date(Math.min(e, to)).toISOString() }));
        calendars[id] = { busy };
      });
      send(res, 200, { kind: 'calendar#freeBusy', timeMin: body.timeMin, timeMax: body.timeMax, calendars });
    },
  };
}
