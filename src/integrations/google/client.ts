import { providerFetch, type ProviderResponse } from '../http.ts';
import type { BusyInterval, CalendarProvider, RemoteCalendar, RemoteEventInput, RemoteEventRef } from '../provider.ts';
import { googleError } from './errors.ts';
import { fromGoogleFreeBusy, googleEventId, toGoogleEvent } from './mapper.ts';

export interface GoogleProviderOptions {
  /** e.g. https://www.googleapis.com (or an emulator origin). */
  apiUrl: string;
  connectionId: string;
  accessToken(): Promise<string>;
  timeoutMs?: number;
}

interface GoogleCalendarJson {
  id: string;
  summary?: string;
  accessRole?: string;
  primary?: boolean;
}

export function createGoogleProvider(o: GoogleProviderOptions): CalendarProvider {
  const base = `${o.apiUrl}/calendar/v3`;
  async function call(method: string, path: string, what: string, json?: unknown, headers?: Record<string, string>): Promise<ProviderResponse> {
    const res = await providerFetch({ method, url: `${base}${path}`, accessToken: await o.accessToken(), json, headers, timeoutMs: o.timeoutMs });
    if (res.status >= 400) throw googleError(res, what);
    return res;
  }
  const enc = encodeURIComponent;
  const toCalendar = (c: GoogleCalendarJson): RemoteCalendar => ({
    id: c.id,
    name: c.summary ?? c.id,
    writable: c.accessRole === 'owner' || c.accessRole === 'writer',
    primary: c.primary === true,
  });
  const ref = (res: ProviderResponse): RemoteEventRef => {
    const body = res.body as { id: string; etag?: string };
    return { remoteId: body.id, etag: body.etag ?? null };
  };

  return {
    kind: 'google',
    async listCalendars() {
      const calendars: RemoteCalendar[] = [];
      let pageToken: string | undefined;
      do {
        const query = pageToken ? `?pageToken=${enc(pageToken)}` : '';
        const res = await call('GET', `/users/me/calendarList${query}`, 'list calendars');
        const body = res.body as { items?: GoogleCalendarJson[]; nextPageToken?: string };
        calendars.push(...(body.items ?? []).map(toCalendar));
        pageToken = body.nextPageToken;
      } while (pageToken);
      return calendars;
    },
    async createCalendar(name, timezone) {
      const res = await call('POST', '/calendars', 'create calendar', { summary: name, timeZone: timezone });
      return { ...toCalendar({ ...(res.body as GoogleCalendarJson), accessRole: 'owner' }), name };
    },
    async createEvent(calendarId, event) {
      const id = googleEventId(event.uid, o.connectionId);
      try {
        return ref(await call('POST', `/calendars/${enc(calendarId)}/events?sendUpdates=none`, 'create event', toGoogleEvent(event, id)));
      } catch (error) {
        // 409: it is already there (a retry after a timeout, or a copy deleted earlier, which
        // Google keeps as cancelled): bring it up to date instead of making a second one.
        if ((error as { status?: number }).status !== 409) throw error;
        return ref(await call('PUT', `/calendars/${enc(calendarId)}/events/${id}?sendUpdates=none`, 'update existing event', toGoogleEvent(event, id)));
      }
    },
    async updateEvent(calendarId, current, event) {
      const headers: Record<string, string> = current.etag ? { 'if-match': current.etag } : {};
      const path = `/calendars/${enc(calendarId)}/events/${enc(current.remoteId)}?sendUpdates=none`;
      return ref(await call('PATCH', path, 'update event', toGoogleEvent(event, current.remoteId), headers));
    },
    async deleteEvent(calendarId, current) {
      await call('DELETE', `/calendars/${enc(calendarId)}/events/${enc(current.remoteId)}?sendUpdates=none`, 'delete event');
    },
    async busyIntervals(calendarIds, from, to): Promise<BusyInterval[]> {
      const res = await call('POST', '/freeBusy', 'read busy times', {
        timeMin: new Date(from).toISOString(),
        timeMax: new Date(to).toISOString(),
        items: calendarIds.map((id) => ({ id })),
      });
      return fromGoogleFreeBusy(res.body);
    },
  };
}
