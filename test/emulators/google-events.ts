import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { parseLocalDate, parseLocalDateTime, zonedToUtcMs, isKnownTimeZone } from '../../src/core/time/local-time.ts';
import { instancesOf, validRecurrence } from './google-recurrence.ts';

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
  const invalidRecurrence = (res: http.ServerResponse) => send(res, 400, error(400, 'invalid', 'Invalid recurrence rule.'));
  /** Stored events that are not instances of a series (those are reached through their master). */
  const standalone = (calendarId: string) => [...events.values()].filter((e) => e.calendarId === calendarId && !e.recurringEventId);
  /** An event as the person sees it: a series expanded into its instances, anything else as is. */
  const expanded = (e: GoogleEvent, showDeleted = false): GoogleEvent[] =>
    Array.isArray(e.recurrence) && e.recurrence.length > 0
      ? e.status === 'cancelled' && !showDeleted ? [] : instancesOf(e, (id) => events.get(key(e.calendarId, id)), googleInstant, showDeleted)
      : [e];

  /**
   * An instance not yet changed has no stored copy: its id is the master's id, `_`, and its
   * original start (https://developers.google.com/workspace/calendar/api/guides/recurringevents,
   * "Modify instances": an instance is changed like any event, by its own id).
   */
  function instance(calendarId: string, id: string): GoogleEvent | undefined {
    const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
    const master = m ? events.get(key(calendarId, m[1]!)) : undefined;
    if (!master || !Array.isArray(master.recurrence)) return undefined;
    return instancesOf(master, () => undefined, googleInstant, true).find((i) => i.id === id);
  }

  return {
    events,
    /** How many times an id was inserted successfully (proves "no duplicate"). */
    inserts,
    insert(res: http.ServerResponse, calendarId: string, body: GoogleEvent) {
      const id = body.id ?? randomBytes(13).toString('hex').replace(/[w-z]/g, 'a');
      if (!ID.test(id)) return send(res, 400, error(400, 'invalid', 'Invalid resource id value.'));
      if (body.recurrence !== undefined && !validRecurrence(body.recurrence)) return invalidRecurrence(res);
      if (events.has(key(calendarId, id))) return send(res, 409, error(409, 'duplicate', 'The requested identifier already exists.'));
      if (!validTimes(body)) return send(res, 400, error(400, 'timeRangeEmpty', 'The specified time range is empty or invalid.'));
      const stored = { ...body, id, calendarId, status: body.status ?? 'confirmed', etag: `"${randomBytes(8).toString('hex')}"` };
      events.set(key(calendarId, id), stored);
      inserts.set(id, (inserts.get(id) ?? 0) + 1);
      send(res, 200, stored);
    },
    one(req: http.IncomingMessage, res: http.ServerResponse, calendarId: string, id: string, body: GoogleEvent | null) {
      const existing = events.get(key(calendarId, id)) ?? instance(calendarId, id);
      if (!existing) return send(res, 404, error(404, 'notFound', 'Not Found'));
      if (body?.recurrence !== undefined && !validRecurrence(body.recurrence)) return invalidRecurrence(res);
      const ifMatch = req.headers['if-match'];
      if (ifMatch && ifMatch !== existing.etag) return send(res, 412, error(412, 'conditionNotMet', 'Precondition Failed'));
      if (req.method === 'GET') return send(res, 200, existing);
      if (req.method === 'DELETE') {
        if (existing.status === 'cancelled') return send(res, 410, error(410, 'deleted', 'Resource has been deleted'));
        // Google keeps deleted events (and their ids) as cancelled; a deleted instance is a
        // cancelled exception of its series.
        events.set(key(calendarId, id), { ...existing, status: 'cancelled', etag: `"${randomBytes(8).toString('hex')}"` });
        return send(res, 204);
      }
      // An instance keeps what ties it to its series, whatever the body says.
      const tie = existing.recurringEventId ? { recurringEventId: existing.recurringEventId, originalStartTime: existing.originalStartTime } : {};
      const next = { ...(req.method === 'PATCH' ? existing : {}), ...body, id, calendarId, ...tie } as GoogleEvent;
      next.status = body?.status ?? (req.method === 'PUT' ? 'confirmed' : existing.status);
      if (!validTimes(next)) return send(res, 400, error(400, 'timeRangeEmpty', 'The specified time range is empty or invalid.'));
      next.etag = `"${randomBytes(8).toString('hex')}"`;
      events.set(key(calendarId, id), next);
      // PATCH keeps a field the body leaves out and replaces an array it gives ("Array fields, if
      // specified, overwrite the existing arrays":
      // https://developers.google.com/workspace/calendar/api/v3/reference/events/patch), so only
      // `recurrence: []` (or a PUT without it) ends a series; its changed instances go with it,
      // kept as cancelled like every deleted event.
      const repeating = (e: GoogleEvent) => Array.isArray(e.recurrence) && e.recurrence.length > 0;
      if (repeating(existing) && !repeating(next)) {
        for (const [k, e] of events) if (e.calendarId === calendarId && e.recurringEventId === id) events.set(k, { ...e, status: 'cancelled' });
      }
      send(res, 200, next);
    },
    /**
     * events.list: `singleEvents=true` expands series into their instances and orders by start;
     * without it, series come as one event with `recurrence` (and changed instances as their
     * own items). Cancelled ones only with `showDeleted`; `timeMin`/`timeMax` bound the end and
     * the start (https://developers.google.com/workspace/calendar/api/v3/reference/events/list).
     */
    list(res: http.ServerResponse, calendarId: string, url: URL) {
      const single = url.searchParams.get('singleEvents') === 'true';
      const showDeleted = url.searchParams.get('showDeleted') === 'true';
      const from = url.searchParams.has('timeMin') ? Date.parse(url.searchParams.get('timeMin')!) : -Infinity;
      const to = url.searchParams.has('timeMax') ? Date.parse(url.searchParams.get('timeMax')!) : Infinity;
      const all = single
        ? standalone(calendarId).flatMap((e) => expanded(e, showDeleted))
        : [...events.values()].filter((e) => e.calendarId === calendarId);
      const items = all
        .filter((e) => showDeleted || e.status !== 'cancelled')
        .filter((e) => googleInstant(e.end)! > from && googleInstant(e.start)! < to)
        .sort((a, b) => googleInstant(a.start)! - googleInstant(b.start)!);
      const max = Math.min(Number(url.searchParams.get('maxResults') ?? 250), 2500);
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      send(res, 200, { kind: 'calendar#events', items: items.slice(start, start + max), ...(start + max < items.length ? { nextPageToken: String(start + max) } : {}) });
    },
    /** events.instances: the instances of one series, as list(singleEvents) gives them. */
    instances(res: http.ServerResponse, calendarId: string, id: string, url: URL) {
      const master = events.get(key(calendarId, id));
      if (!master || !Array.isArray(master.recurrence)) return send(res, 404, error(404, 'notFound', 'Not Found'));
      const showDeleted = url.searchParams.get('showDeleted') === 'true';
      const from = url.searchParams.has('timeMin') ? Date.parse(url.searchParams.get('timeMin')!) : -Infinity;
      const to = url.searchParams.has('timeMax') ? Date.parse(url.searchParams.get('timeMax')!) : Infinity;
      const items = expanded(master, showDeleted).filter((e) => googleInstant(e.end)! > from && googleInstant(e.start)! < to);
      send(res, 200, { kind: 'calendar#events', items });
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
        // A series is busy at each of its instances (freeBusy answers are expanded).
        const busy = [...events.values()]
          .filter((e) => resolve(e.calendarId) === calendarId && !e.recurringEventId)
          .flatMap((e) => expanded(e))
          .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent')
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
