import { providerFetch, type ProviderResponse } from '../http.ts';
import { ProviderError, type BusyInterval, type CalendarProvider, type RemoteCalendar } from '../provider.ts';
import { graphError } from './errors.ts';
import { fromCalendarView, graphTransactionId, toGraphEvent } from './mapper.ts';

export interface MicrosoftProviderOptions {
  /** e.g. https://graph.microsoft.com (or an emulator origin). */
  graphUrl: string;
  connectionId: string;
  accessToken(): Promise<string>;
  timeoutMs?: number;
}

interface GraphCalendarJson {
  id: string;
  name?: string;
  canEdit?: boolean;
  isDefaultCalendar?: boolean;
}

export function createMicrosoftProvider(o: MicrosoftProviderOptions): CalendarProvider & { account(): Promise<string | null> } {
  const base = `${o.graphUrl}/v1.0`;
  async function call(method: string, pathOrUrl: string, what: string, json?: unknown, headers?: Record<string, string>): Promise<ProviderResponse> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`;
    // Paging links are absolute: never send the token anywhere but Graph.
    if (!url.startsWith(`${base}/`)) throw new ProviderError('permanent', `${what}: refusing to follow a link outside Graph`);
    const res = await providerFetch({ method, url, accessToken: await o.accessToken(), json, headers, timeoutMs: o.timeoutMs });
    if (res.status >= 400) throw graphError(res, what);
    return res;
  }
  const enc = encodeURIComponent;
  const toCalendar = (c: GraphCalendarJson): RemoteCalendar => ({
    id: c.id,
    name: c.name ?? c.id,
    writable: c.canEdit !== false,
    primary: c.isDefaultCalendar === true,
  });

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
    async createEvent(calendarId, event) {
      const body = { ...toGraphEvent(event), transactionId: graphTransactionId(event.uid, o.connectionId) };
      const res = await call('POST', `/me/calendars/${enc(calendarId)}/events`, 'create event', body);
      const created = res.body as { id: string; changeKey?: string };
      return { remoteId: created.id, etag: created.changeKey ?? null };
    },
    async updateEvent(_calendarId, current, event) {
      const res = await call('PATCH', `/me/events/${enc(current.remoteId)}`, 'update event', toGraphEvent(event));
      const updated = res.body as { id: string; changeKey?: string };
      return { remoteId: updated.id ?? current.remoteId, etag: updated.changeKey ?? null };
    },
    async deleteEvent(_calendarId, current) {
      await call('DELETE', `/me/events/${enc(current.remoteId)}`, 'delete event');
    },
    async busyIntervals(_calendarIds, from, to): Promise<BusyInterval[]> {
      const query = `startDateTime=${enc(new Date(from).toISOString())}&endDateTime=${enc(new Date(to).toISOString())}&$top=500`;
      const intervals: BusyInterval[] = [];
      let next: string | undefined = `/me/calendarView?${query}`;
      while (next) {
        const res: ProviderResponse = await call('GET', next, 'read busy times', undefined, { prefer: 'outlook.timezone="UTC"' });
        intervals.push(...fromCalendarView(res.body));
        next = (res.body as { '@odata.nextLink'?: string })['@odata.nextLink'];
      }
      return intervals;
    },
  };
}
