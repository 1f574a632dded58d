import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';
import { createGoogleProvider } from '../../src/integrations/google/index.ts';
import { createMicrosoftProvider } from '../../src/integrations/microsoft/index.ts';
import { ProviderError, type CalendarProvider, type RemoteEventInput } from '../../src/integrations/provider.ts';
import { remoteEvent } from '../helpers/remote-event.ts';

// The Google and Microsoft adapters against the emulators: idempotent creates, conditional
// updates, deletes, busy times, and provider errors reduced to our codes.

const REDIRECT = 'https://cal.example.test/cb';
const event = (over: Partial<RemoteEventInput> = {}) => remoteEvent({ uid: 'f00dfeed00000000000000000000abcd@cal.example.test', ...over });

/** Signs in at an emulator with auto-consent and returns an access token. */
async function token(url: string, authorize: string, tokenPath: string, scope: string, clientId: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const verifier = 'v'.repeat(50);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const auth = await fetch(`${url}${authorize}?client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=${encodeURIComponent(scope)}&state=s&code_challenge=${challenge}&code_challenge_method=S256`, { redirect: 'manual' });
  const code = new URL(auth.headers.get('location')!).searchParams.get('code')!;
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId, client_secret: 'secret', code_verifier: verifier });
  const res = await fetch(`${url}${tokenPath}`, { method: 'POST', body: form });
  return ((await res.json()) as { access_token: string }).access_token;
}

const code = (c: ProviderError['code']) => (e: ProviderError) => e instanceof ProviderError && e.code === c;

/** A token source whose renewals sign in again at the emulator (counted). */
function signedIn(first: string, again: () => Promise<string>) {
  let current = first;
  const source = {
    renewals: 0,
    current: async () => current,
    renew: async (refused: string) => {
      source.renewals++;
      if (refused === current) current = await again();
      return current;
    },
  };
  return source;
}

describe('Google adapter against the emulator', () => {
  let google: GoogleEmulator;
  let provider: CalendarProvider;
  let tokens: ReturnType<typeof signedIn>;
  before(async () => {
    google = await startGoogleEmulator({ clients: [{ clientId: 'g', clientSecret: 'secret', redirectUris: [REDIRECT] }] });
    const scope = 'https://www.googleapis.com/auth/calendar.app.created https://www.googleapis.com/auth/calendar.freebusy';
    tokens = signedIn(await token(google.url, '/o/oauth2/v2/auth', '/token', scope, 'g'), () => token(google.url, '/o/oauth2/v2/auth', '/token', scope, 'g'));
    provider = createGoogleProvider({ apiUrl: google.url, connectionId: 'conn-1', tokens });
  });
  after(() => google.close());

  it('creates once however often the create is retried, even after a delete', async () => {
    const calendar = await provider.createCalendar('Calendar Club', 'UTC');
    const first = await provider.createEvent(calendar.id, event(), 0);
    const retried = await provider.createEvent(calendar.id, event(), 0);
    assert.equal(retried.remoteId, first.remoteId);
    assert.match(first.remoteId, /^[a-v0-9]{5,}$/, 'a client-supplied base32hex id');
    assert.equal(google.inserts.get(first.remoteId), 1, 'one insert; the retry updated it');
    await provider.deleteEvent(calendar.id, retried);
    await assert.rejects(provider.deleteEvent(calendar.id, retried), code('not_found'), 'deleting twice is 410');
    const revived = await provider.createEvent(calendar.id, event({ sequence: 1 }), 0);
    assert.equal(google.events.get(`${calendar.id}\n${revived.remoteId}`)!.status, 'confirmed', 'a deleted copy comes back on re-create');
  });

  it('updates with If-Match, the organizer winning over a change made meanwhile; reads busy times', async () => {
    const calendar = await provider.createCalendar('Calendar Club 2', 'UTC');
    const created = await provider.createEvent(calendar.id, event({ uid: 'other@x' }), 0);
    const updated = await provider.updateEvent(calendar.id, created, event({ uid: 'other@x', sequence: 1, title: 'Moved' }));
    assert.equal(google.events.get(`${calendar.id}\n${created.remoteId}`)!.summary, 'Moved');
    // A stale etag (changed meanwhile): read again, then the organizer's version is written.
    const again = await provider.updateEvent(calendar.id, created, event({ uid: 'other@x', sequence: 2, title: 'Moved again' }));
    assert.equal(google.events.get(`${calendar.id}\n${created.remoteId}`)!.summary, 'Moved again');
    assert.notEqual(again.etag, created.etag);
    const busy = await provider.busyIntervals([calendar.id], Date.parse('2026-12-03T00:00:00Z'), Date.parse('2026-12-04T00:00:00Z'));
    assert.deepEqual(busy, [{ start: Date.parse('2026-12-03T18:30:00Z'), end: Date.parse('2026-12-03T21:00:00Z') }]);
    assert.ok(updated.etag);
  });

  it('maps rate limits, server errors and an expired token to our codes', async () => {
    const calendar = await provider.createCalendar('Calendar Club 3', 'UTC');
    google.faults.queue.push('429');
    await assert.rejects(provider.createEvent(calendar.id, event(), 0), (e: ProviderError) => e.code === 'rate_limited' && e.retryAfterMs === 1000);
    google.faults.queue.push('403');
    await assert.rejects(provider.createEvent(calendar.id, event(), 0), (e: ProviderError) => e.code === 'rate_limited' && e.retryAfterMs === undefined);
    google.faults.queue.push('503');
    await assert.rejects(provider.createEvent(calendar.id, event(), 0), code('temporary'));
  });

  it('refreshes once at once when a token is refused before its expiry, then goes on', async () => {
    google.oauth.expireAccessTokens(); // dropped early: we still think it valid
    const renewalsBefore = tokens.renewals;
    await provider.createCalendar('Calendar Club 4', 'UTC');
    assert.equal(tokens.renewals, renewalsBefore + 1, 'one renewal, and the call went through');
  });

  it('never brings back a copy the person deleted (Google keeps it as cancelled)', async () => {
    const calendar = await provider.createCalendar('Calendar Club 5', 'UTC');
    const created = await provider.createEvent(calendar.id, event({ uid: 'deleted-by-person@x' }), 0);
    const stored = google.events.get(`${calendar.id}\n${created.remoteId}`)!;
    stored.status = 'cancelled'; // the person deleted it in Google Calendar
    stored.etag = '"deleted-by-person"';
    await assert.rejects(provider.updateEvent(calendar.id, created, event({ uid: 'deleted-by-person@x', sequence: 1, title: 'Moved' })), code('not_found'));
    await assert.rejects(provider.updateEvent(calendar.id, { ...created, etag: null }, event({ uid: 'deleted-by-person@x', sequence: 1 })), code('not_found'));
    assert.equal(stored.status, 'cancelled', 'still deleted');
    assert.equal(await provider.calendarExists(calendar.id), true);
    google.calendars.delete(calendar.id);
    assert.equal(await provider.calendarExists(calendar.id), false);
  });
});

describe('Microsoft adapter against the emulator', () => {
  let microsoft: MicrosoftEmulator;
  let provider: CalendarProvider;
  before(async () => {
    microsoft = await startMicrosoftEmulator({ clients: [{ clientId: 'm', clientSecret: 'secret', redirectUris: [REDIRECT] }] });
    const signIn = () => token(microsoft.url, '/common/oauth2/v2.0/authorize', '/common/oauth2/v2.0/token', 'offline_access User.Read Calendars.ReadWrite', 'm');
    provider = createMicrosoftProvider({ graphUrl: microsoft.url, connectionId: 'conn-2', tokens: signedIn(await signIn(), signIn) });
  });
  after(() => microsoft.close());

  it('creates once per transactionId, updates, deletes, and reads busy times from calendarView', async () => {
    const calendar = await provider.createCalendar('Calendar Club', 'UTC');
    const first = await provider.createEvent(calendar.id, event(), 0);
    const retried = await provider.createEvent(calendar.id, event(), 0);
    assert.equal(retried.remoteId, first.remoteId);
    assert.equal([...microsoft.creates.values()].reduce((a, b) => a + b, 0), 1);
    await provider.updateEvent(calendar.id, first, event({ sequence: 1, title: 'Moved', start: '2026-12-03T20:00:00' }));
    assert.equal(microsoft.events.get(first.remoteId)!.subject, 'Moved');
    const busy = await provider.busyIntervals([calendar.id], Date.parse('2026-12-03T00:00:00Z'), Date.parse('2026-12-04T00:00:00Z'));
    assert.deepEqual(busy.map((b) => [new Date(b.start).toISOString(), new Date(b.end).toISOString(), b.remoteEventId]), [['2026-12-03T19:00:00.000Z', '2026-12-03T21:00:00.000Z', first.remoteId]]);
    await provider.deleteEvent(calendar.id, first);
    await assert.rejects(provider.deleteEvent(calendar.id, first), code('not_found'));
  });

  it('honours Retry-After and hits the mailbox concurrency limit of 4', async () => {
    microsoft.faults.queue.push('429');
    await assert.rejects(provider.listCalendars(), (e: ProviderError) => e.code === 'rate_limited' && e.retryAfterMs === 2000);
    microsoft.faults.delayMs = 150;
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => provider.listCalendars()));
    microsoft.faults.delayMs = 0;
    const limited = results.filter((r) => r.status === 'rejected' && (r.reason as ProviderError).code === 'rate_limited');
    assert.equal(limited.length, 2, 'the fifth and sixth concurrent requests are throttled');
  });
});
