import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { listenLocal } from './listen.ts';
import { createFaults, dropAfterHang, nextFault, withholdAnswer } from './faults.ts';
import { createOAuthServer, readBody, readForm, type OAuthClient } from './oauth-server.ts';
import { createGraphEvents, type GraphEvent } from './microsoft-events.ts';

// A local Microsoft: login.microsoftonline.com/{tenant}/oauth2/v2.0/* and the Graph paths we
// use, on one origin, so MICROSOFT_LOGIN_URL and MICROSOFT_GRAPH_URL can both point at it
// (reference/providers.md §1, §3, §6). Refresh tokens rotate on every use.

export interface MicrosoftEmulatorOptions {
  port?: number;
  clients: OAuthClient[];
  autoConsent?: boolean;
  email?: string;
  accessTokenTtlSeconds?: number;
}

export interface GraphCalendar {
  id: string;
  name: string;
  /** Whose calendar list it is in. */
  owner: string;
  /** Set for a calendar someone else shared with `owner`: that person's address. */
  sharedBy?: string;
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } };
}

export async function startMicrosoftEmulator(options: MicrosoftEmulatorOptions) {
  let origin = '';
  const calendars = new Map<string, GraphCalendar>();
  /** Scripted answers for the next Graph calls, and a delay that keeps requests in flight. */
  const faults = createFaults();
  const inFlight = new Map<string, number>();
  /** The most requests one mailbox had in flight, and how many were refused for it. */
  const stats = { mostInFlight: 0, mailboxThrottled: 0 };
  const requests: string[] = [];
  const oauth = createOAuthServer({
    clients: options.clients,
    issuer: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
    autoConsent: options.autoConsent ?? true,
    defaultEmail: options.email ?? 'nina@outlook.test',
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    providerName: 'Microsoft',
    profile: {
      rotateRefreshTokens: true,
      issuesRefreshToken: (scope) => scope.split(' ').includes('offline_access'),
      errorBody: (error, description) => ({
        error,
        error_description: `AADSTS70008: ${description}`,
        error_codes: [70008],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      }),
    },
  });

  function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
  const events = createGraphEvents(send, graphError);
  const defaultCalendarId = (email: string) => `default-${email}`;

  async function graph(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const fault = nextFault(faults);
    if (fault === 'timeout') return dropAfterHang(faults, req);
    if (fault === 'timeout-after-write') withholdAnswer(faults, req, res);
    if (fault === '400') return send(res, 400, graphError('ErrorInvalidRequest', 'The request is invalid.'));
    if (fault === '429') return send(res, 429, graphError('TooManyRequests', 'Too many requests'), { 'retry-after': '2' });
    if (fault === '500' || fault === '503') return send(res, Number(fault), graphError('ServiceNotAvailable', 'Service unavailable'));
    const token = oauth.authenticate(req);
    if (!token) return send(res, 401, graphError('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'));
    // At most 4 requests in flight per mailbox (MailboxConcurrency).
    const busy = inFlight.get(token.email) ?? 0;
    if (busy >= 4) stats.mailboxThrottled++;
    if (busy >= 4) return send(res, 429, graphError('ApplicationThrottled', 'MailboxConcurrency limit exceeded'), { 'retry-after': '1' });
    inFlight.set(token.email, busy + 1);
    stats.mostInFlight = Math.max(stats.mostInFlight, busy + 1);
    try {
      if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
      return await graphCall(req, res, url, token);
    } finally {
      inFlight.set(token.email, (inFlight.get(token.email) ?? 1) - 1);
    }
  }

  async function graphCall(req: http.IncomingMessage, res: http.ServerResponse, url: URL, token: { email: string; scope: string }) {
    const scopes = token.scope.split(' ');
    const path = url.pathname.slice('/v1.0'.length);
    const writable = scopes.includes('Calendars.ReadWrite');
    const body = async () => {
      const text = await readBody(req);
      return text ? (JSON.parse(text) as GraphEvent) : null;
    };
    // /me/calendarView is the default calendar only; the others have their own view:
    // https://learn.microsoft.com/en-us/graph/api/user-list-calendarview?view=graph-rest-1.0
    if (req.method === 'GET' && path === '/me/calendarView') return events.calendarView(req, res, token.email, defaultCalendarId(token.email), url);
    const view = /^\/me\/calendars\/([^/]+)\/calendarView$/.exec(path);
    if (view && req.method === 'GET') {
      const calendarId = decodeURIComponent(view[1]!);
      if (calendarId !== defaultCalendarId(token.email) && calendars.get(calendarId)?.owner !== token.email) {
        return send(res, 404, graphError('ErrorItemNotFound', 'The specified object was not found in the store.'));
      }
      return events.calendarView(req, res, token.email, calendarId, url);
    }
    const ownsCalendar = (id: string) => id === defaultCalendarId(token.email) || calendars.get(id)?.owner === token.email;
    const create = /^\/me\/calendars\/([^/]+)\/events$/.exec(path);
    if (create && req.method === 'POST') {
      if (!writable) return send(res, 403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
      // A POST into a calendar that is gone: 404 ErrorItemNotFound, the same code as a missing
      // event (https://learn.microsoft.com/en-us/graph/api/user-post-events?view=graph-rest-1.0).
      if (!ownsCalendar(decodeURIComponent(create[1]!))) return send(res, 404, graphError('ErrorItemNotFound', 'The specified object was not found in the store.'));
      return events.create(res, token.email, decodeURIComponent(create[1]!), (await body())!);
    }
    const calendar = /^\/me\/calendars\/([^/]+)$/.exec(path);
    if (calendar && req.method === 'GET') {
      // https://learn.microsoft.com/en-us/graph/api/calendar-get?view=graph-rest-1.0
      const id = decodeURIComponent(calendar[1]!);
      if (!ownsCalendar(id)) return send(res, 404, graphError('ErrorItemNotFound', 'The specified object was not found in the store.'));
      return send(res, 200, { id, name: calendars.get(id)?.name ?? 'Calendar', isDefaultCalendar: id === defaultCalendarId(token.email), canEdit: true });
    }
    const instances = /^\/me\/events\/([^/]+)\/instances$/.exec(path);
    if (instances && req.method === 'GET') return events.instances(req, res, token.email, decodeURIComponent(instances[1]!), url);
    const one = /^\/me\/events\/([^/]+)$/.exec(path);
    if (one) {
      if (req.method !== 'GET' && !writable) return send(res, 403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
      return events.one(req, res, token.email, decodeURIComponent(one[1]!), req.method === 'PATCH' ? await body() : null);
    }
    if (req.method === 'GET' && path === '/me') {
      return send(res, 200, { id: randomUUID(), mail: token.email, userPrincipalName: token.email, displayName: 'Nina Okafor' });
    }
    if (req.method === 'GET' && path === '/me/calendars') {
      // https://learn.microsoft.com/en-us/graph/api/resources/calendar?view=graph-rest-1.0: `owner`
      // is the user for their own calendars and the sharer for a shared one; "only the user who
      // created the calendar can share it" (canShare); canEdit is true for write-shared ones too.
      const me = { name: 'Nina Okafor', address: token.email };
      const own = { id: defaultCalendarId(token.email), name: 'Calendar', isDefaultCalendar: true, canEdit: true, canShare: true, owner: me };
      const listed = [...calendars.values()]
        .filter((c) => c.owner === token.email)
        .map((c) => ({ id: c.id, name: c.name, isDefaultCalendar: false, canEdit: true, canShare: !c.sharedBy, owner: c.sharedBy ? { name: c.sharedBy, address: c.sharedBy } : me }));
      const mine = [own, ...listed];
      const top = Number(url.searchParams.get('$top') ?? 10);
      const skip = Number(url.searchParams.get('$skip') ?? 0);
      const next = skip + top < mine.length ? `${origin}/v1.0/me/calendars?$top=${top}&$skip=${skip + top}` : undefined;
      return send(res, 200, { value: mine.slice(skip, skip + top), ...(next ? { '@odata.nextLink': next } : {}) });
    }
    if (req.method === 'POST' && path === '/me/calendars') {
      if (!scopes.includes('Calendars.ReadWrite')) return send(res, 403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
      const body = JSON.parse((await readBody(req)) || '{}') as { name?: string };
      if (!body.name) return send(res, 400, graphError('ErrorInvalidRequest', 'name is required'));
      const calendar = { id: `AAMk${randomBytes(12).toString('hex')}`, name: body.name, owner: token.email };
      calendars.set(calendar.id, calendar);
      return send(res, 201, { id: calendar.id, name: calendar.name, canEdit: true, isDefaultCalendar: false });
    }
    return send(res, 404, graphError('ErrorItemNotFound', 'The specified object was not found in the store.'));
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    try {
      if (req.method === 'GET' && /^\/[^/]+\/oauth2\/v2\.0\/authorize/.test(url.pathname)) return oauth.authorize(req, res, url);
      if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) return oauth.token(res, await readForm(req));
      if (url.pathname.startsWith('/v1.0/')) return await graph(req, res, url);
      send(res, 404, graphError('NotFound', 'Not found'));
    } catch (error) {
      send(res, 500, graphError('InternalServerError', String(error)));
    }
  });
  const listening = await listenLocal(server, options.port);
  origin = listening.origin;

  return {
    url: origin,
    oauth,
    calendars,
    defaultCalendarId,
    /** A calendar in `owner`'s list: their own, or one `sharedBy` someone else shared with them. */
    addCalendar(owner: string, name: string, sharedBy?: string): GraphCalendar {
      const calendar: GraphCalendar = { id: `AAMk${randomBytes(12).toString('hex')}`, name, owner, ...(sharedBy ? { sharedBy } : {}) };
      calendars.set(calendar.id, calendar);
      return calendar;
    },
    /** A busy event (UTC times) in one of `owner`'s calendars. */
    addEvent(owner: string, calendarId: string, start: string, end: string, showAs = 'busy'): GraphEvent {
      const event: GraphEvent = { id: `AAMkE${randomBytes(12).toString('hex')}`, calendarId, owner, changeKey: '1', subject: 'Private meeting', showAs, start: { dateTime: start, timeZone: 'UTC' }, end: { dateTime: end, timeZone: 'UTC' } };
      events.events.set(event.id, event);
      return event;
    },
    events: events.events,
    creates: events.creates,
    faults,
    stats,
    requests,
    /** The person deletes a calendar in Outlook: it and its events are gone. */
    deleteCalendar(id: string) {
      calendars.delete(id);
      for (const [key, e] of events.events) if (e.calendarId === id) events.events.delete(key);
    },
    close: listening.close,
  };
}

export type MicrosoftEmulator = Awaited<ReturnType<typeof startMicrosoftEmulator>>;
