import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { listenLocal } from './listen.ts';
import { createFaults, dropAfterHang, nextFault, withholdAnswer } from './faults.ts';
import { createOAuthServer, readBody, readForm, type OAuthClient } from './oauth-server.ts';
import { createGoogleEvents, type GoogleEvent } from './google-events.ts';

// A local Google: accounts.google.com (authorize), oauth2.googleapis.com (token, revoke) and
// the Calendar API v3 paths we use, on one origin, so GOOGLE_ACCOUNTS_URL, GOOGLE_OAUTH2_URL and
// GOOGLE_API_URL can all point at it (reference/providers.md §1-2, §6).

export interface GoogleEmulatorOptions {
  port?: number;
  clients: OAuthClient[];
  autoConsent?: boolean;
  email?: string;
  accessTokenTtlSeconds?: number;
}

export interface GoogleCalendar {
  id: string;
  summary: string;
  timeZone: string;
  owner: string;
  appCreated: boolean;
}

const APP_CREATED = 'https://www.googleapis.com/auth/calendar.app.created';

function googleError(code: number, reason: string, message: string) {
  return { error: { code, message, errors: [{ domain: code === 403 || code === 429 ? 'usageLimits' : 'global', reason, message }], status: reason } };
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions) {
  let origin = '';
  const calendars = new Map<string, GoogleCalendar>();
  const faults = createFaults();
  const requests: string[] = [];
  const oauth = createOAuthServer({
    clients: options.clients,
    issuer: 'https://accounts.google.com',
    autoConsent: options.autoConsent ?? true,
    defaultEmail: options.email ?? 'nina@gmail.test',
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599,
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
    if (req.method === 'GET' && path === '/users/me/calendarList') {
      if (!scopes.some((s) => s.endsWith('/calendar') || s.endsWith('/calendar.readonly') || s === APP_CREATED)) {
        return send(res, 403, googleError(403, 'insufficientPermissions', 'Insufficient Permission'));
      }
      const mine = [...calendars.values()].filter((c) => c.owner === token.email && (c.appCreated || !scopes.includes(APP_CREATED)));
      const max = Number(url.searchParams.get('maxResults') ?? 100);
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const page = mine.slice(start, start + max);
      return send(res, 200, {
        kind: 'calendar#calendarList',
        items: page.map((c) => ({ id: c.id, summary: c.summary, timeZone: c.timeZone, accessRole: 'owner' })),
        ...(start + max < mine.length ? { nextPageToken: String(start + max) } : {}),
      });
    }
    if (req.method === 'POST' && path === '/calendars') {
      if (!scopes.some((s) => s === APP_CREATED || s.endsWith('/calendar'))) return send(res, 403, googleError(403, 'insufficientPermissions', 'Insufficient Permission'));
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
      return events.freeBusy(res, JSON.parse(await readBody(req)));
    }
    const match = /^\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path);
    if (match) {
      const calendarId = decodeURIComponent(match[1]!);
      const calendar = calendars.get(calendarId);
      if (!calendar || calendar.owner !== token.email) return send(res, 404, googleError(404, 'notFound', 'Not Found'));
      if (scopes.includes(APP_CREATED) && !calendar.appCreated) return send(res, 403, googleError(403, 'insufficientPermissions', 'Insufficient Permission'));
      if (!match[2] && req.method === 'POST') return events.insert(res, calendarId, (await body())!);
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
      send(res, 404, googleError(404, 'notFound', 'Not Found'));
    } catch (error) {
      send(res, 500, googleError(500, 'backendError', String(error)));
    }
  });
  const listening = await listenLocal(server, options.port);
  origin = listening.origin;

  return {
    url: origin,
    oauth,
    calendars,
    events: events.events,
    inserts: events.inserts,
    faults,
    requests,
    close: listening.close,
  };
}

export type GoogleEmulator = Awaited<ReturnType<typeof startGoogleEmulator>>;
