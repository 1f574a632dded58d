import type { TestApp } from './app.ts';

// Connecting an account through an emulator's auto-consent: start the connect, follow the
// provider's redirect, come back to our callback with the session cookie.

export interface Connected {
  cookie: string;
  connectionId: string;
}

export async function connectThroughEmulator(t: TestApp, kind: 'google' | 'microsoft', query = 'mode=push', cookie?: string): Promise<Connected> {
  const begin = await t.app.inject({ url: `/connect/${kind}?${query}`, headers: cookie ? { cookie } : {} });
  const session = cookie ?? String(begin.headers['set-cookie']).split(';')[0]!;
  const consent = await fetch(String(begin.headers.location), { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const done = await t.app.inject({ url: back.pathname + back.search, headers: { cookie: session } });
  if (done.statusCode !== 302) throw new Error(`connecting ${kind} failed: ${done.statusCode} ${done.body}`);
  const items = (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie: session } })).json().items as { id: string; kind: string }[];
  return { cookie: session, connectionId: items.filter((c) => c.kind === kind).at(-1)!.id };
}
