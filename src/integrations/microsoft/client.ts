import { fetchWithBearer, type ProviderResponse } from '../http.ts';
import { ProviderError, type AccessTokenSource, type BusyInterval, type CalendarProvider, type RemoteCalendar, type RemoteEventInput, type RemoteEventRef } from '../provider.ts';
import { graphError } from './errors.ts';
import { fromCalendarView, graphTransactionId, toGraphEvent, toGraphException, toGraphPatch } from './mapper.ts';

export interface MicrosoftProviderOptions {
  /** e.g. https://graph.microsoft.com (or an emulator origin). */
  graphUrl: string;
  connectionId: string;
  tokens: AccessTokenSource;
  timeoutMs?: number;
}

interface GraphCalendarJson {
  id: string;
  name?: string;
  canEdit?: boolean;
  canShare?: boolean;
  isDefaultCalendar?: boolean;
}

export function createMicrosoftProvider(o: MicrosoftProviderOptions): CalendarProvider {
  const base = `${o.graphUrl}/v1.0`;
  async function call(method: string, pathOrUrl: string, what: string, json?: unknown, headers?: Record<string, string>): Promise<ProviderResponse> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`;
    // Paging links are absolute: never send the token anywhere but Graph.
    if (!url.startsWith(`${base}/`)) throw new ProviderError('permanent', `${what}: refusing to follow a link outside Graph`);
    const res = await fetchWithBearer(o.tokens, { method, url, json, headers, timeoutMs: o.timeoutMs });
    if (res.status >= 400) throw graphError(res, what);
    return res;
  }
  const enc = encodeURIComponent;
  const toCalendar = (c: GraphCalendarJson): RemoteCalendar => ({
    id: c.id,
    name: c.name ?? c.id,
    writable: c.canEdit !== false,
    primary: c.isDefaultCalendar === true,
    // https://learn.microsoft.com/en-us/graph/api/resources/calendar?view=graph-rest-1.0: canEdit is
    // also true for a calendar shared with write access, but "only the user who created the
    // calendar can share it" (canShare).
    owned: c.isDefaultCalendar === true || c.canShare === true,
  });

  /**
   * A series' exceptions, after the series itself was written: each occurrence is found among
   * the series' instances by its originalStart (GET /events/{id}/instances), then PATCHed
   * (changed) or DELETEd (cancelled) by its own id
   * (https://learn.microsoft.com/en-us/graph/api/event-list-instances). A cancelled one is not
   * listed any more, so a retry does not delete it twice; every exception is applied each time,
   * so the end state does not depend on whether Outlook kept them across a series change.
   * Occurrences nobody changed are never touched.
   */
  async function writeExceptions(seriesId: string, event: RemoteEventInput): Promise<void> {
    const exceptions = event.recurrence?.exceptions ?? [];
    if (exceptions.length === 0) return;
    const day = 86_400_000;
    const from = Math.min(event.startUtc, ...exceptions.map((x) => x.startUtc)) - day;
    const to = Math.max(event.recurrence!.rangeEndUtc, ...exceptions.map((x) => x.endUtc)) + day;
    const byOriginal = new Map<number, string>();
    let next: string | undefined = `/me/events/${enc(seriesId)}/instances?startDateTime=${enc(new Date(from).toISOString())}&endDateTime=${enc(new Date(to).toISOString())}&$top=500&$select=id,originalStart`;
    while (next) {
      const res: ProviderResponse = await call('GET', next, 'read the occurrences', undefined, { prefer: 'outlook.timezone="UTC"' });
      const body = res.body as { value?: { id: string; originalStart?: string }[]; '@odata.nextLink'?: string };
      for (const i of body.value ?? []) if (i.originalStart) byOriginal.set(Date.parse(i.originalStart), i.id);
      next = body['@odata.nextLink'];
    }
    for (const x of exceptions) {
      const id = byOriginal.get(x.originalStartUtc);
      // Not listed: cancelled already (by us earlier, or by the person) — never brought back.
      if (!id) continue;
      if (x.cancelled) await call('DELETE', `/me/events/${enc(id)}`, 'cancel one occurrence');
      else await call('PATCH', `/me/events/${enc(id)}`, 'update one occurrence', toGraphException(event, x));
    }
  }

  async function createEvent(calendarId: string, event: RemoteEventInput, generation: number): Promise<RemoteEventRef> {
    // transactionId: "a custom identifier specified by a client app for the server to avoid
    // redundant POST operations in case of client retries to create the same event"
    // (https://learn.microsoft.com/en-us/graph/api/resources/event?view=graph-rest-1.0).
    const body = { ...toGraphEvent(event), transactionId: graphTransactionId(event.uid, o.connectionId, generation) };
    const res = await call('POST', `/me/calendars/${enc(calendarId)}/events`, 'create event', body);
    const created = res.body as { id: string; changeKey?: string };
    await writeExceptions(created.id, event);
    return { remoteId: created.id, etag: created.changeKey ?? null };
  }

  return {
    kind: 'microsoft',
    async account() {
      const res = await call('GET', '/me?$select=mail,userPrincipalName', 'read the account');
      const me = res.body as { mail?: string | null; userPrincipalName?: string };
      return me.mail ?? me.userPrincipalName ?? null;
    },
    async listCalendars() {
      const calendars: RemoteCalendar[] = [];
      let next: string | undefined = '/me/calendars';
      while (next) {
        const res: ProviderResponse = await call('GET', next, 'list calendars');
        const body = res.body as { value?: GraphCalendarJson[]; '@odata.nextLink'?: string };
        calendars.push(...(body.value ?? []).map(toCalendar));
        next = body['@odata.nextLink'];
      }
      return calendars;
    },
    async createCalendar(name) {
      const res = await call('POST', '/me/calendars', 'create calendar', { name });
      return toCalendar(res.body as GraphCalendarJson);
    },
    async calendarExists(calendarId) {
      // A POST into a deleted calendar answers 404 ErrorItemNotFound, the same as a missing
      // event (https://learn.microsoft.com/en-us/graph/errors): only asking for the calendar tells.
      try {
        await call('GET', `/me/calendars/${enc(calendarId)}?$select=id`, 'read calendar');
        return true;
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) return false;
        throw error;
      }
    },
    createEvent,
    async deleteUnconfirmed(calendarId, event, generation) {
      // The same POST again answers with the event the lost one made (or makes it): then it goes.
      const made = await createEvent(calendarId, event, generation);
      try {
        await call('DELETE', `/me/events/${enc(made.remoteId)}`, 'delete event');
      } catch (error) {
        if (!(error instanceof ProviderError) || error.status !== 404) throw error;
      }
    },
    async updateEvent(_calendarId, current, event) {
      const res = await call('PATCH', `/me/events/${enc(current.remoteId)}`, 'update event', toGraphPatch(event));
      const updated = res.body as { id: string; changeKey?: string };
      await writeExceptions(updated.id ?? current.remoteId, event);
      return { remoteId: updated.id ?? current.remoteId, etag: updated.changeKey ?? null };
    },
    async deleteEvent(_calendarId, current) {
      await call('DELETE', `/me/events/${enc(current.remoteId)}`, 'delete event');
    },
    async busyIntervals(calendarIds, from, to): Promise<BusyInterval[]> {
      // `/me/calendarView` reads the default calendar only; every other calendar has its own
      // view (https://learn.microsoft.com/en-us/graph/api/user-list-calendarview?view=graph-rest-1.0).
      // One calendar at a time: Graph allows 4 requests in flight per mailbox.
      const query = `startDateTime=${enc(new Date(from).toISOString())}&endDateTime=${enc(new Date(to).toISOString())}&$top=500`;
      const intervals: BusyInterval[] = [];
      for (const calendarId of calendarIds) {
        let next: string | undefined = `/me/calendars/${enc(calendarId)}/calendarView?${query}`;
        while (next) {
          const res: ProviderResponse = await call('GET', next, 'read busy times', undefined, { prefer: 'outlook.timezone="UTC"' });
          intervals.push(...fromCalendarView(res.body));
          next = (res.body as { '@odata.nextLink'?: string })['@odata.nextLink'];
        }
      }
      return intervals;
    },
  };
}
