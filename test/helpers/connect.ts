import type { TestApp } from './app.ts';
import type { OAuthClient } from '../emulators/oauth-server.ts';

// Connecting accounts in tests: the OAuth client the emulators know the app as, the settings
// that point the app at them, and the connect flows (OAuth through an emulator's auto-consent;
// CalDAV through the API).

const CLIENT_IDS = { google: 'g', microsoft: 'm' } as const;

/** The app as a client of the emulator, redirecting back to `publicUrl`. */
export function emulatorClient(kind: 'google' | 'microsoft', publicUrl: string): OAuthClient {
  return { clientId: CLIENT_IDS[kind], clientSecret: 's', redirectUris: [`${publicUrl}/connect/${kind}/callback`] };
}

/** App settings that use `emulatorClient` and point at the given emulators. */
export function emulatorSettings(o: { google?: { url: string }; microsoft?: { url: string } }): Record<string, string> {
  return {
    ...(o.google ? { GOOGLE_CLIENT_ID: CLIENT_IDS.google, GOOGLE_CLIENT_SECRET: 's', GOOGLE_ACCOUNTS_URL: o.google.url, GOOGLE_OAUTH2_URL: o.google.url, GOOGLE_API_URL: o.google.url } : {}),
    ...(o.microsoft ? { MICROSOFT_CLIENT_ID: CLIENT_IDS.microsoft, MICROSOFT_CLIENT_SECRET: 's', MICROSOFT_LOGIN_URL: o.microsoft.url, MICROSOFT_GRAPH_URL: o.microsoft.url } : {}),
  };
}

export interface Connected {
  cookie: string;
  connectionId: string;
  /** Set when the callback switched this browser to another visitor (the same person elsewhere). */
  adoptedCookie?: string;
}

export async function connectThroughEmulator(t: TestApp, kind: 'google' | 'microsoft', query = 'mode=push', cookie?: string): Promise<Connected> {
  const begin = await t.app.inject({ url: `/connect/${kind}?${query}`, headers: cookie ? { cookie } : {} });
  const session = cookie ?? String(begin.headers['set-cookie']).split(';')[0]!;
  const consent = await fetch(String(begin.headers.location), { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const done = await t.app.inject({ url: back.pathname + back.search, headers: { cookie: session } });
  if (done.statusCode !== 302) throw new Error(`connecting ${kind} failed: ${done.statusCode} ${done.body}`);
  // The account may be connected on another device already: this browser then becomes that person.
  const adopted = done.headers['set-cookie'] ? String(done.headers['set-cookie']).split(';')[0]! : undefined;
  const items = (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie: adopted ?? session } })).json().items as { id: string; kind: string }[];
  return { cookie: adopted ?? session, connectionId: items.filter((c) => c.kind === kind).at(-1)!.id, adoptedCookie: adopted };
}

/** A CalDAV account in push mode, for a new visitor or the one holding `cookie`. */
export async function connectCalDav(t: TestApp, serverUrl: string, account: { username: string; password: string }, cookie?: string): Promise<{ cookie: string; targetCalendarId: string }> {
  const session = cookie ?? String((await t.app.inject('/api/v1/me')).headers['set-cookie']).split(';')[0]!;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/connections/caldav',
    headers: { cookie: session },
    payload: { serverUrl, username: account.username, password: account.password, mode: 'push' },
  });
  if (res.statusCode !== 201) throw new Error(`connecting CalDAV failed: ${res.statusCode} ${res.body}`);
  return { cookie: session, targetCalendarId: res.json().targetCalendar.id as string };
}
