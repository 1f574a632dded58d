import { fetchWithBearer, type ProviderResponse } from '../http.ts';
import { ProviderError, type AccessTokenSource, type BusyInterval, type CalendarProvider, type RemoteCalendar, type RemoteEventInput, type RemoteEventRef } from '../provider.ts';
import { googleError } from './errors.ts';
import { fromGoogleFreeBusy, googleChangedInstances, googleEventId, toGoogleEvent, toGooglePatch } from './mapper.ts';

export interface GoogleProviderOptions {
  /** e.g. https://www.googleapis.com (or an emulator origin). */
  apiUrl: string;
  connectionId: string;
  tokens: AccessTokenSource;
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
    const res = await fetchWithBearer(o.tokens, { method, url: `${base}${path}`, json, headers, timeoutMs: o.timeoutMs });
    if (res.status >= 400) throw googleError(res, what);
    return res;
  }
  const enc = encodeURIComponent;
  const toCalendar = (c: GoogleCalendarJson): RemoteCalendar => ({
    id: c.id,
    name: c.summary ?? c.id,
    writable: c.accessRole === 'owner' || c.accessRole === 'writer',
    primary: c.primary === true,
    // https://developers.google.com/workspace/calendar/api/v3/reference/calendarList: accessRole
    // "owner" is the person's own calendar; shared ones come as writer, reader or freeBusyReader.
    owned: c.accessRole === 'owner',
  });
  const ref = (res: ProviderResponse): RemoteEventRef => {
    const body = res.body as { id: string; etag?: string };
    return { remoteId: body.id, etag: body.etag ?? null };
  };
  const eventPath = (calendarId: string, id: string) => `/calendars/${enc(calendarId)}/events/${enc(id)}?sendUpdates=none`;

  /**
   * The copy's current etag, read before anything is sent without one. Google keeps an event the
   * person deleted, with `status: "cancelled"`, and a PATCH on it succeeds and brings it back
   * (https://developers.google.com/workspace/calendar/api/v3/reference/events: "cancelled"
   * events are deleted ones), so it never answers 404 for it: the status is the only sign.
   */
  async function liveEtag(path: string): Promise<string> {
    const body = (await call('GET', path, 'read event')).body as { status?: string; etag?: string };
    if (body.status === 'cancelled') throw new ProviderError('not_found', 'update event: the owner of the calendar deleted this copy', { status: 410 });
    return body.etag ?? '*';
  }

  /**
   * A series' changed occurrences, each PATCHed by its instance id after the series itself was
   * written (cancelled ones are EXDATEs of the series). All of them every time: a PATCH with the
   * same content changes nothing, and the end state does not depend on whether Google kept
   * them across a change to the series. Occurrences nobody changed are never touched.
   */
  async function writeInstances(calendarId: string, seriesId: string, event: RemoteEventInput): Promise<void> {
    for (const instance of googleChangedInstances(event, seriesId)) {
      await call('PATCH', eventPath(calendarId, instance.id), 'update one occurrence', instance.body);
    }
  }
  const withInstances = async (calendarId: string, event: RemoteEventInput, written: RemoteEventRef): Promise<RemoteEventRef> => {
    if (event.recurrence) await writeInstances(calendarId, written.remoteId, event);
    return written;
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
    async calendarExists(calendarId) {
      // calendarList.get works for our own calendar with calendar.app.created (and for any
      // calendar with the calendarlist scope): 404 means it was deleted.
      try {
        await call('GET', `/users/me/calendarList/${enc(calendarId)}`, 'read calendar');
        return true;
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) return false;
        throw error;
      }
    },
    async createEvent(calendarId, event) {
      // One id per event and connection, whatever the generation: Google keeps deleted events,
      // so a later create meets the old one (409) and brings it back with PUT.
      const id = googleEventId(event.uid, o.connectionId);
      let written: RemoteEventRef;
      try {
        written = ref(await call('POST', `/calendars/${enc(calendarId)}/events?sendUpdates=none`, 'create event', toGoogleEvent(event, id)));
      } catch (error) {
        // 409: it is already there (a retry after a timeout, or a copy deleted earlier, which
        // Google keeps as cancelled): bring it up to date instead of making a second one.
        if ((error as { status?: number }).status !== 409) throw error;
        written = ref(await call('PUT', `/calendars/${enc(calendarId)}/events/${id}?sendUpdates=none`, 'update existing event', toGoogleEvent(event, id)));
      }
      return withInstances(calendarId, event, written);
    },
    async updateEvent(calendarId, current, event) {
      const path = eventPath(calendarId, current.remoteId);
      const patch = async (etag: string) => ref(await call('PATCH', path, 'update event', toGooglePatch(event, current.remoteId), { 'if-match': etag }));
      // Always conditional: a copy the person deleted has a new etag (412), and is then read.
      let written: RemoteEventRef;
      try {
        written = await patch(current.etag ?? (await liveEtag(path)));
      } catch (error) {
        if (!(error instanceof ProviderError) || error.status !== 412) throw error;
        // Changed meanwhile: the organizer's version wins, unless the change was a deletion.
        written = await patch(await liveEtag(path));
      }
      return withInstances(calendarId, event, written);
    },
    async deleteEvent(calendarId, current) {
      await call('DELETE', eventPath(calendarId, current.remoteId), 'delete event');
    },
    async deleteUnconfirmed(calendarId, event) {
      try {
        await call('DELETE', eventPath(calendarId, googleEventId(event.uid, o.connectionId)), 'delete event');
      } catch (error) {
        // 404: the create never landed; 410: it is deleted already.
        if (!(error instanceof ProviderError) || (error.status !== 404 && error.status !== 410)) throw error;
      }
    },
    async busyIntervals(calendarIds, from, to): Promise<BusyInterval[]> {
      // freeBusy answers for at most 50 calendars a call (calendarExpansionMax, "Maximum value
      // is 50": https://developers.google.com/workspace/calendar/api/v3/reference/freebusy/query);
      // more calendars are asked for in batches, one after another.
      const FREE_BUSY_MAX_CALENDARS = 50;
      const intervals: BusyInterval[] = [];
      for (let i = 0; i < calendarIds.length; i += FREE_BUSY_MAX_CALENDARS) {
        const res = await call('POST', '/freeBusy', 'read busy times', {
          timeMin: new Date(from).toISOString(),
          timeMax: new Date(to).toISOString(),
          items: calendarIds.slice(i, i + FREE_BUSY_MAX_CALENDARS).map((id) => ({ id })),
        });
        intervals.push(...fromGoogleFreeBusy(res.body));
      }
      return intervals;
    },
  };
}
