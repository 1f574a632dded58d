import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { listenLocal } from './listen.ts';
import { createFaults, dropAfterHang, nextFault, withholdAnswer } from './faults.ts';
import { createOAuthServer, readBody, readForm, type OAuthClient } from './oauth-server.ts';
import { createGoogleEvents, type GoogleEvent } from './google-events.ts';
import { SANDBOX_BUSY_PATH, sandboxBusyPage } from './sandbox-busy-page.ts';

// A local Google: accounts.google.com (authorize), oauth2.googleapis.com (token, revoke) and
// the Calendar API v3 paths we use, on one origin, so GOOGLE_ACCOUNTS_URL, GOOGLE_OAUTH2_URL and
// GOOGLE_API_URL can all point at it (reference/providers.md §1-2, §6).

export interface GoogleEmulatorOptions {
  port?: number;
  clients: OAuthClient[];
  autoConsent?: boolean;
  email?: string;
  accessTokenTtlSeconds?: number;
  /** `accounts.google.com`: the ID tokens' legacy issuer form, which Google still issues. */
  idTokenIssuer?: string;
}

export interface GoogleCalendar {
  id: string;
  summary: string;
  timeZone: string;
  owner: string;
  appCreated: boolean;
  primary?: boolean;
}

const AUTH = 'https://www.googleapis.com/auth';
const APP_CREATED = 'https://www.googleapis.com/auth/calendar.app.created';

/**
 * A token without the scope the method needs: 403 in the Calendar API's error format
 * (https://developers.google.com/workspace/calendar/api/guides/errors), reason
 * insufficientPermissions, with the message Google sends for a missing scope.
 */
function insufficientScopes() {
  const message = 'Request had insufficient authentication scopes.';
  return { error: { code: 403, message, errors: [{ domain: 'global', reason: 'insufficientPermissions', message }], status: 'PERMISSION_DENIED' } };
}

function googleError(code: number, reason: string, message: string) {
  return { error: { code, message, errors: [{ domain: code === 403 || code === 429 ? 'usageLimits' : 'global', reason, message }], status: reason } };
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions) {
  let origin = '';
  const calendars = new Map<string, GoogleCalendar>();
  const faults = createFaults();
  const requests: string[] = [];
  /** Test switch: calendar id -> the freeBusy error reason it answers (e.g. internalError). */
  const freeBusyFailures = new Map<string, string>();
  const defaultEmail = options.email ?? 'nina@gmail.test';
  const oauth = createOAuthServer({
    clients: options.clients,
    issuer: 'https://accounts.google.com',
    autoConsent: options.autoConsent ?? true,
    defaultEmail,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599,
    idTokenIssuer: options.idTokenIssuer,
    providerName: 'Google',
    profile: {
      rotateRefreshTokens: false,
      issuesRefreshToken: (_scope, prompt, first) => first || prompt === 'consent',
      errorBody: (error, description) => ({ error, error_description: description }),
    },
  });

  function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
  const events = createGoogleEvents(send, googleError);

  async function calendarApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    const fault = nextFault(faults);
    if (fault === 'timeout') return dropAfterHang(faults, req);
    if (fault === 'timeout-after-write') withholdAnswer(faults, req, res);
    if (fault === '400') return send(res, 400, googleError(400, 'invalid', 'Invalid value'));
    if (fault === '429') return send(res, 429, googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded'), { 'retry-after': '1' });
    if (fault === '403') return send(res, 403, googleError(403, 'rateLimitExceeded', 'Rate Limit Exceeded'));
    if (fault === '500' || fault === '503') return send(res, Number(fault), googleError(Number(fault), 'backendError', 'Backend Error'));
    const token = oauth.authenticate(req);
    if (!token) return send(res, 401, googleError(401, 'authError', 'Request had invalid authentication credentials.'));
    const scopes = token.scope.split(' ');
    const path = url.pathname.slice('/calendar/v3'.length);
    // Every account has a primary calendar, whose id is its address ("primary" names it):
    // https://developers.google.com/workspace/calendar/api/v3/reference/calendarList/get
    if (!calendars.has(token.email)) calendars.set(token.email, { id: token.email, summary: token.email, timeZone: 'UTC', owner: token.email, appCreated: false, primary: true });
    if (req.method === 'GET' && path === '/users/me/calendarList') {
      // Only these four scopes, not calendar.app.created:
      // https://developers.google.com/calendar/api/v3/reference/calendarList/list (Authorization)
      const listing = ['calendar', 'calendar.readonly', 'calendar.calendarlist', 'calendar.calendarlist.readonly'].map((s) => `${AUTH}/${s}`);
      if (!scopes.some((s) => listing.includes(s))) return send(res, 403, insufficientScopes());
      const mine = [...calendars.values()].filter((c) => c.owner === token.email);
      const max = Number(url.searchParams.get('maxResults') ?? 100);
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const page = mine.slice(start, start + max);
      return send(res, 200, {
        kind: 'calendar#calendarList',
        items: page.map((c) => ({ id: c.id, summary: c.summary, timeZone: c.timeZone, accessRole: 'owner', ...(c.primary ? { primary: true } : {}) })),
        ...(start + max < mine.length ? { nextPageToken: String(start + max) } : {}),
      });
    }
    const listed = /^\/users\/me\/calendarList\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && listed) {
      // calendarList.get: the listing scopes, or calendar.app.created for a calendar the app made
      // (https://developers.google.com/workspace/calendar/api/v3/reference/calendarList/get);
      // a deleted calendar is 404 notFound.
      const calendar = calendars.get(decodeURIComponent(listed[1]!));
      if (!calendar || calendar.owner !== token.email) return send(res, 404, googleError(404, 'notFound', 'Not Found'));
      const listing = ['calendar', 'calendar.readonly', 'calendar.calendarlist', 'calendar.calendarlist.readonly'].map((s) => `${AUTH}/${s}`);
      if (!scopes.some((s) => listing.includes(s)) && !(scopes.includes(APP_CREATED) && calendar.appCreated)) return send(res, 403, insufficientScopes());
      return send(res, 200, { kind: 'calendar#calendarListEntry', id: calendar.id, summary: calendar.summary, timeZone: calendar.timeZone, accessRole: 'owner' });
    }
    if (req.method === 'POST' && path === '/calendars') {
      // Secondary calendars: calendar, calendar.app.created, or calendar.calendars ("create
      // secondary calendars"): https://googleapis.dev/java/google-api-services-calendar/latest/com/google/api/services/calendar/CalendarScopes.html
      if (!scopes.some((s) => s === APP_CREATED || s === `${AUTH}/calendar` || s === `${AUTH}/calendar.calendars`)) return send(res, 403, insufficientScopes());
      const body = JSON.parse((await readBody(req)) || '{}') as { summary?: string; timeZone?: string };
      if (!body.summary) return send(res, 400, googleError(400, 'required', 'Missing summary.'));
      const calendar: GoogleCalendar = { id: `${randomBytes(10).toString('hex')}@group.calendar.google.test`, summary: body.summary, timeZone: body.timeZone ?? 'UTC', owner: token.email, appCreated: true };
      calendars.set(calendar.id, calendar);
      return send(res, 200, { kind: 'calendar#calendar', id: calendar.id, summary: calendar.summary, timeZone: calendar.timeZone });
    }
    const body = () => readBody(req).then((text) => (text ? (JSON.parse(text) as GoogleEvent) : null));
    if (req.method === 'POST' && path === '/freeBusy') {
      if (!scopes.some((s) => s.endsWith('/calendar.freebusy') || s.endsWith('/calendar') || s.endsWith('/calendar.readonly'))) {
        return send(res, 403, googleError(403, 'insufficientPermissions', 'Insufficient Permission'));
      }
      // An id the person may not read is "notFound" for them, like one that does not exist.
      const visible = (id: string) => calendars.get(id)?.owner === token.email;
      return events.freeBusy(res, JSON.parse(await readBody(req)), { email: token.email, visible, failing: freeBusyFailures });
    }
    const series = /^\/calendars\/([^/]+)\/events\/([^/]+)\/instances$/.exec(path);
    if (series && req.method === 'GET') {
      const calendar = calendars.get(decodeURIComponent(series[1]!));
      if (!calendar || calendar.owner !== token.email) return send(res, 404, googleError(404, 'notFound', 'Not Found'));
      return events.instances(res, calendar.id, decodeURIComponent(series[2]!), url);
    }
    const match = /^\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path);
    if (match) {
      const calendarId = decodeURIComponent(match[1]!);
      const calendar = calendars.get(calendarId);
      if (!calendar || calendar.owner !== token.email) return send(res, 404, googleError(404, 'notFound', 'Not Found'));
      if (scopes.includes(APP_CREATED) && !calendar.appCreated) return send(res, 403, googleError(403, 'insufficientPermissions', 'Insufficient Permission'));
      if (!match[2] && req.method === 'POST') return events.insert(res, calendarId, (await body())!);
      if (!match[2] && req.method === 'GET') return events.list(res, calendarId, url);
      if (match[2]) return events.one(req, res, calendarId, decodeURIComponent(match[2]), req.method === 'GET' || req.method === 'DELETE' ? null : await body());
    }
    return send(res, 404, googleError(404, 'notFound', 'Not Found'));
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    try {
      if (req.method === 'GET' && url.pathname.startsWith('/o/oauth2/v2/auth')) return oauth.authorize(req, res, url);
      if (req.method === 'POST' && url.pathname === '/token') return oauth.token(res, await readForm(req));
      if (req.method === 'POST' && url.pathname === '/revoke') return oauth.revoke(res, await readForm(req));
      if (url.pathname.startsWith('/calendar/v3/')) return await calendarApi(req, res, url);
      if (url.pathname === SANDBOX_BUSY_PATH) return sandboxBusyPage(req, res, req.method === 'POST' ? await readForm(req) : null, sandboxTarget);
      send(res, 404, googleError(404, 'notFound', 'Not Found'));
    } catch (error) {
      send(res, 500, googleError(500, 'backendError', String(error)));
    }
  });
  const sandboxTarget = {
    defaultEmail,
    addMeeting(email: string, summary: string, start: string, end: string) {
      if (!calendars.has(email)) calendars.set(email, { id: email, summary: email, timeZone: 'UTC', owner: email, appCreated: false, primary: true });
      putConfirmedEvent(email, summary, start, end);
    },
  };
  // Event ids use base32hex (a-v, 0-9): https://developers.google.com/workspace/calendar/api/v3/reference/events/insert
  function putConfirmedEvent(calendarId: string, summary: string, start: string, end: string) {
    const id = `seeded${randomBytes(8).toString('hex')}`.replace(/[w-z]/g, 'a');
    events.events.set(`${calendarId}\n${id}`, { id, calendarId, etag: '"1"', status: 'confirmed', summary, start: { dateTime: start }, end: { dateTime: end } });
    return id;
  }
  const listening = await listenLocal(server, options.port);
  origin = listening.origin;

  return {
    url: origin,
    oauth,
    calendars,
    /** One of the person's own calendars (not made by the app), e.g. their primary one. */
    addCalendar(owner: string, summary: string, primary = false): GoogleCalendar {
      const calendar: GoogleCalendar = { id: primary ? owner : `${randomBytes(10).toString('hex')}@group.calendar.google.test`, summary, timeZone: 'UTC', owner, appCreated: false, primary };
      calendars.set(calendar.id, calendar);
      return calendar;
    },
    /** A busy (opaque, confirmed) event in one of the person's calendars, for freeBusy. */
    addBusyEvent(calendarId: string, start: string, end: string) {
      return putConfirmedEvent(calendarId, 'Private meeting', start, end);
    },
    freeBusyFailures,
    events: events.events,
    inserts: events.inserts,
    faults,
    requests,
    /** The person deletes a calendar in Google Calendar: it and its events are gone. */
    deleteCalendar(id: string) {
      calendars.delete(id);
      for (const [key, e] of events.events) if (e.calendarId === id) events.events.delete(key);
    },
    close: listening.close,
  };
}

export type GoogleEmulator = Awaited<ReturnType<typeof startGoogleEmulator>>;
