import { createHash } from 'node:crypto';
import { createAccount, fetchCalendars, makeCalendar, type DAVAccount, type DAVCalendar } from 'tsdav';
import { Agent, fetch as undiciFetch } from 'undici';
import { assertPublicUrl, checkedLookup, type Resolve } from '../../infra/net/ssrf-guard.ts';
import type { BusyInterval, CalendarProvider, RemoteCalendar, RemoteEventInput, RemoteEventRef } from '../provider.ts';
import { busyFromEvents, calendarQueryBody, freeBusyQueryBody, parseFreeBusy, parseMultistatus } from './busy.ts';
import { ProviderError } from '../provider.ts';
import { caldavError, toProviderError } from './errors.ts';
import { toICalendarObject } from './mapper.ts';

export interface CalDavOptions {
  serverUrl: string;
  username: string;
  password: string;
  allowPrivateNetwork: boolean;
  timeoutMs?: number;
  /** Skip free-busy-query and read events (servers without it; tests of the fallback). */
  busyFromEvents?: boolean;
  /** Deadline of the whole discovery (probe, principal, home, calendars), however many hops. */
  discoveryTimeoutMs?: number;
  /** Name resolution (tests inject one; no real DNS in tests). */
  resolve?: Resolve;
}

export interface CalDavDiscovery {
  principalUrl: string;
  calendarHomeUrl: string;
  calendars: RemoteCalendar[];
}

/**
 * fetch for a person-supplied server: every hop (redirects included) passes the SSRF guard, and
 * connects only to the address its lookup checked (`dispatcher`); credentials go only to the
 * origin they were given for; every request has a deadline, and `deadline` (discovery) bounds
 * them all.
 */
export function guardedFetch(o: CalDavOptions, dispatcher: Agent, deadline?: AbortSignal): typeof fetch {
  const guard = { allowPrivateNetwork: o.allowPrivateNetwork, resolve: o.resolve };
  const fetchOnce = undiciFetch as unknown as (url: string, init: RequestInit & { dispatcher: Agent }) => Promise<Response>;
  return async (input, init) => {
    let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const origin = new URL(url).origin;
    const headers = new Headers(init?.headers);
    for (let hop = 0; hop < 5; hop++) {
      await assertPublicUrl(url, guard);
      if (new URL(url).origin !== origin) {
        // Another origin (a redirect): never hand it the person's password or cookies.
        headers.delete('authorization');
        headers.delete('cookie');
      }
      const timeout = AbortSignal.timeout(o.timeoutMs ?? 15_000);
      const signal = deadline ? AbortSignal.any([timeout, deadline]) : timeout;
      const plain: Record<string, string> = {};
      headers.forEach((value, name) => (plain[name] = value));
      const response = await fetchOnce(url, { ...init, headers: plain, redirect: 'manual', signal, dispatcher });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      url = new URL(location, url).href;
    }
    throw new ProviderError('permanent', 'the server redirected too many times');
  };
}

const eventUrl = (calendarId: string, uid: string) => new URL(resourceName(uid), calendarId.endsWith('/') ? calendarId : `${calendarId}/`).href;

/** Resource names come from the UID: the same event always lands on the same URL (idempotent PUT). */
export function resourceName(uid: string): string {
  return `cc-${createHash('sha256').update(uid).digest('hex').slice(0, 32)}.ics`;
}

export function createCalDavProvider(o: CalDavOptions): CalendarProvider & { discover(): Promise<CalDavDiscovery> } {
  const ical = { 'content-type': 'text/calendar; charset=utf-8' };
  const headers = { authorization: `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}` };
  // Connections made for this account resolve and check their address in one step.
  const dispatcher = new Agent({ connect: { lookup: checkedLookup({ allowPrivateNetwork: o.allowPrivateNetwork, resolve: o.resolve }) } });
  const fetchImpl = guardedFetch(o, dispatcher);
  let account: DAVAccount | null = null;

  async function request(method: string, url: string, what: string, extra: Record<string, string> = {}, body?: string, f = fetchImpl): Promise<Response> {
    let response: Response;
    try {
      response = await f(url, { method, headers: { ...headers, ...extra }, body });
    } catch (error) {
      throw toProviderError(error, what);
    }
    if (response.status >= 400) throw caldavError(response, what);
    return response;
  }

  /** Checks credentials and that this is a WebDAV server before tsdav's discovery. */
  async function probe(f: typeof fetch): Promise<void> {
    const response = await request('PROPFIND', o.serverUrl, 'connect', { depth: '0', 'content-type': 'application/xml; charset=utf-8' },
      '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>', f);
    if (response.status !== 207) throw new ProviderError('permanent', 'that address does not answer like a CalDAV server', { status: response.status });
  }

  async function loadAccount(f = fetchImpl): Promise<DAVAccount> {
    if (account) return account;
    await probe(f);
    try {
      account = await createAccount({ account: { serverUrl: o.serverUrl, accountType: 'caldav' }, headers, fetch: f });
    } catch (error) {
      throw toProviderError(error, 'discover the calendars');
    }
    if (!account.homeUrl) throw new ProviderError('permanent', 'the server did not say where the calendars are (no calendar-home-set)');
    return account;
  }

  async function davCalendars(f = fetchImpl): Promise<DAVCalendar[]> {
    const a = await loadAccount(f);
    try {
      return await fetchCalendars({ account: a, headers, fetch: f });
    } catch (error) {
      throw toProviderError(error, 'list calendars');
    }
  }

  const toRemote = (c: DAVCalendar): RemoteCalendar => ({
    id: c.url,
    name: typeof c.displayName === 'string' && c.displayName ? c.displayName : c.url,
    writable: (c.components ?? ['VEVENT']).includes('VEVENT'),
    primary: false,
  });

  return {
    kind: 'caldav',
    async discover() {
      // However many hops and redirects the server makes us take, discovery ends in time.
      const deadline = AbortSignal.timeout(o.discoveryTimeoutMs ?? 2 * (o.timeoutMs ?? 15_000));
      const calendars = (await davCalendars(guardedFetch(o, dispatcher, deadline))).map(toRemote);
      return { principalUrl: account!.principalUrl ?? '', calendarHomeUrl: account!.homeUrl!, calendars };
    },
    async listCalendars() {
      return (await davCalendars()).map(toRemote);
    },
    async createCalendar(name) {
      const home = (await loadAccount()).homeUrl!;
      const url = new URL('calendar-club/', home.endsWith('/') ? home : `${home}/`).href;
      const existing = (await davCalendars()).find((c) => c.url === url || c.url === url.slice(0, -1));
      if (existing) return toRemote(existing);
      try {
        const result = await makeCalendar({
          url,
          props: { 'd:displayname': name, 'c:supported-calendar-component-set': { 'c:comp': { _attributes: { name: 'VEVENT' } } } },
          headers,
          fetch: fetchImpl,
        });
        const status = result[0]?.status ?? 201;
        if (status >= 400) throw new ProviderError('permanent', `the server does not let us create a calendar (${status}); pick an existing one`);
      } catch (error) {
        throw toProviderError(error, 'create the calendar');
      }
      return { id: url, name, writable: true, primary: false };
    },
    async calendarExists(calendarId) {
      try {
        const res = await request('PROPFIND', calendarId, 'read calendar', { depth: '0', 'content-type': 'application/xml; charset=utf-8' },
          '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>');
        // Some servers (Xandikos) answer a missing path with 207 and a 404 inside: only a
        // resourcetype naming a calendar means it is there.
        return /<(?:[\w-]+:)?resourcetype>[\s\S]*?<(?:[\w-]+:)?calendar[\s/>]/.test(await res.text());
      } catch (error) {
        if (error instanceof ProviderError && (error.status === 404 || error.status === 410)) return false;
        throw error;
      }
    },
    async createEvent(calendarId, event) {
      const url = eventUrl(calendarId, event.uid);
      const body = toICalendarObject(event);
      try {
        const res = await request('PUT', url, 'create event', { ...ical, 'if-none-match': '*' }, body);
        return { remoteId: url, etag: res.headers.get('etag') };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        // 409: the collection to put it in is missing (RFC 4918 §9.7.1).
        if (error.status === 409) throw new ProviderError('not_found', 'create event: the calendar is not on the server', { status: 409, cause: error });
        // 412: it is already there (a retry after a timeout): bring it up to date, never a second copy.
        if (error.status !== 412) throw error;
        const res = await request('PUT', url, 'update existing event', ical, body);
        return { remoteId: url, etag: res.headers.get('etag') };
      }
    },
    async updateEvent(_calendarId, current: RemoteEventRef, event: RemoteEventInput) {
      // Always conditional: `If-Match: *` fails with 412 when the resource is gone, so a copy
      // the person deleted is never written back (RFC 7232 §3.1).
      const put = (etag: string) => request('PUT', current.remoteId, 'update event', { ...ical, 'if-match': etag }, toICalendarObject(event));
      try {
        const res = await put(current.etag ?? '*');
        return { remoteId: current.remoteId, etag: res.headers.get('etag') };
      } catch (error) {
        if (!(error instanceof ProviderError) || error.status !== 412) throw error;
      }
      // Changed meanwhile, or deleted (GET answers 404: not_found). The organizer's version wins.
      const now = await request('GET', current.remoteId, 'read event');
      await now.body?.cancel();
      const res = await put(now.headers.get('etag') ?? '*');
      return { remoteId: current.remoteId, etag: res.headers.get('etag') };
    },
    async deleteEvent(_calendarId, current) {
      await request('DELETE', current.remoteId, 'delete event');
    },
    async deleteUnconfirmed(calendarId, event) {
      try {
        await request('DELETE', eventUrl(calendarId, event.uid), 'delete event');
      } catch (error) {
        if (!(error instanceof ProviderError) || error.status !== 404) throw error; // never made
      }
    },
    async busyIntervals(calendarIds, from, to) {
      const xml = { 'content-type': 'application/xml; charset=utf-8' };
      const intervals: BusyInterval[] = [];
      for (const calendarId of calendarIds) {
        if (!o.busyFromEvents) {
          try {
            const res = await request('REPORT', calendarId, 'read busy times', { ...xml, depth: '1' }, freeBusyQueryBody(from, to));
            const text = await res.text();
            if (res.status === 200 && text.includes('BEGIN:VCALENDAR')) {
              intervals.push(...parseFreeBusy(text));
              continue;
            }
          } catch (error) {
            // Not supported (4xx other than auth, or 501): fall back to reading the events.
            const status = error instanceof ProviderError ? (error.status ?? 0) : 0;
            if (!(status === 501 || (status >= 400 && status < 500 && status !== 401))) throw error;
          }
        }
        const res = await request('REPORT', calendarId, 'read events', { ...xml, depth: '1' }, calendarQueryBody(from, to));
        // Absolute resource URLs, the same form as the remote ids of the copies we push.
        const objects = parseMultistatus(await res.text()).map((o) => ({ ...o, href: new URL(o.href, calendarId).href }));
        intervals.push(...busyFromEvents(objects, from, to));
      }
      return intervals.sort((a, b) => a.start - b.start);
    },
  };
}
