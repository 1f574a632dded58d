import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';

// Issue 10: busy times from every calendar that counts (by default all the person owns, not
// only the default one), the person's choice of calendars, and Google freeBusy `errors` read
// as "couldn't check" rather than "free". Through the conflicts API, on both databases.

const PUBLIC = 'https://cal.example.test';
const FREEBUSY_ONLY = 'openid email https://www.googleapis.com/auth/calendar.freebusy';

interface Check {
  connectionId: string;
  kind: string;
  status: string;
  reason?: string;
  calendars?: string[];
  note?: string;
}

async function makeEvent(t: TestApp, title: string, start: string, end: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title, start, end, timezone: 'UTC' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

for (const engine of testEngines) {
  describe(`busy calendars with Google on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let t: TestApp;
    let cookie = '';
    let connectionId = '';
    let familyId = '';
    const email = 'nina@gmail.test';
    const conflicts = async (from = '2026-11-02T00:00:00Z', to = '2026-11-06T00:00:00Z') => {
      const res = await t.app.inject({ url: `/api/v1/me/conflicts?from=${from}&to=${to}`, headers: { cookie } });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { items: { title: string }[]; checked: Check[]; freeEvenings: unknown[] | null };
    };
    const titles = (body: { items: { title: string }[] }) => body.items.map((i) => i.title).sort();

    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)], email });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google }) });
      ({ cookie, connectionId } = await connectThroughEmulator(t, 'google', 'mode=busy'));
      await makeEvent(t, 'family clash', '2026-11-03T18:00', '2026-11-03T20:00');
      await makeEvent(t, 'primary clash', '2026-11-04T09:00', '2026-11-04T10:00');
      familyId = google.addCalendar(email, 'Family').id;
      google.addBusyEvent(familyId, '2026-11-03T19:00:00Z', '2026-11-03T19:30:00Z');
      google.addBusyEvent(email, '2026-11-04T09:30:00Z', '2026-11-04T10:30:00Z');
    });
    after(async () => {
      await t?.close();
      await google?.close();
    });

    it('reads a meeting in the person’s “Family” calendar, not only the primary one, and names what it checked', async () => {
      const body = await conflicts();
      assert.deepEqual(titles(body), ['family clash', 'primary clash']);
      assert.equal(body.checked[0]!.status, 'ok');
      assert.deepEqual([...body.checked[0]!.calendars!].sort(), ['Family', email]);
      assert.equal(body.checked[0]!.note, undefined);
      assert.match(JSON.stringify(google.requests), /calendarList/);
    });

    it('lets the person leave a calendar out: its meeting stops clashing; bad input changes nothing', async () => {
      const url = `/api/v1/me/connections/${connectionId}/busy-calendars`;
      const listed = (await t.app.inject({ url, headers: { cookie } })).json();
      assert.equal(listed.choice, 'default');
      assert.deepEqual(listed.calendars.map((c: { name: string; counts: boolean }) => [c.name, c.counts]).sort(), [['Family', true], [email, true]]);

      const chosen = await t.app.inject({ method: 'PUT', url, headers: { cookie }, payload: { calendarIds: [email] } });
      assert.equal(chosen.statusCode, 200, chosen.body);
      assert.equal(chosen.json().choice, 'chosen');
      const body = await conflicts();
      assert.deepEqual(titles(body), ['primary clash'], 'the Family meeting no longer counts (the cached answer was dropped)');
      assert.deepEqual(body.checked[0]!.calendars, [email]);

      const unknown = await t.app.inject({ method: 'PUT', url, headers: { cookie }, payload: { calendarIds: [familyId, 'someone-else@group.calendar.google.test'] } });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.json().detail, /not a calendar of this connection: someone-else@group\.calendar\.google\.test/);
      const bad = await t.app.inject({ method: 'PUT', url, headers: { cookie }, payload: { calendarIds: 'all' } });
      assert.equal(bad.statusCode, 400);
      const after = (await t.app.inject({ url, headers: { cookie } })).json();
      assert.deepEqual(after.calendars.filter((c: { counts: boolean }) => c.counts).map((c: { id: string }) => c.id), [email], 'the earlier choice stands');

      const other = String((await t.app.inject('/api/v1/me')).headers['set-cookie']).split(';')[0]!;
      assert.equal((await t.app.inject({ url, headers: { cookie: other } })).statusCode, 404, 'someone else’s connection');

      const reset = await t.app.inject({ method: 'PUT', url, headers: { cookie }, payload: { calendarIds: null } });
      assert.equal(reset.json().choice, 'default');
      assert.deepEqual(titles(await conflicts()), ['family clash', 'primary clash']);
    });

    it('says “couldn’t check” when freeBusy answers errors for a calendar, and offers no free evenings', async () => {
      google.freeBusyFailures.set(familyId, 'internalError');
      try {
        // Other days than before: the earlier answer (whole UTC days) is cached for a few minutes.
        const body = await conflicts('2026-11-01T12:00:00Z', '2026-11-05T12:00:00Z');
        assert.equal(body.checked[0]!.status, 'unavailable');
        assert.match(body.checked[0]!.reason!, /couldn't check.*internal error/i);
        assert.equal(body.freeEvenings, null, 'an uncomputed calendar is not free');
      } finally {
        google.freeBusyFailures.clear();
      }
    });

    it('checks only the primary calendar of a connection without the calendar-list scope, and says so', async () => {
      await t.database.db.updateTable('connections').set({ scope: FREEBUSY_ONLY }).where('id', '=', connectionId).execute();
      const body = await conflicts('2026-11-02T00:00:00Z', '2026-11-06T18:00:00Z'); // other days: not cached
      assert.deepEqual(titles(body), ['primary clash'], 'the Family calendar cannot be listed');
      assert.equal(body.checked[0]!.status, 'ok');
      assert.equal(body.checked[0]!.note, 'Only your main Google calendar was checked: reconnect Google to let Calendar Club see your other calendars.');
      assert.deepEqual(body.checked[0]!.calendars, [email]);
    });
  });

  describe(`busy calendars with Microsoft on ${engine.name}`, { skip: engine.skip }, () => {
    let microsoft: MicrosoftEmulator;
    let t: TestApp;
    let cookie = '';
    const email = 'nina@outlook.test';

    before(async () => {
      microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)], email });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ microsoft }) });
      ({ cookie } = await connectThroughEmulator(t, 'microsoft', 'mode=busy'));
      await makeEvent(t, 'family clash', '2026-11-03T18:00', '2026-11-03T20:00');
      await makeEvent(t, 'default clash', '2026-11-04T09:00', '2026-11-04T10:00');
      await makeEvent(t, 'boss time', '2026-11-05T09:00', '2026-11-05T10:00');
      const family = microsoft.addCalendar(email, 'Family');
      microsoft.addEvent(email, family.id, '2026-11-03T19:00:00', '2026-11-03T19:30:00');
      microsoft.addEvent(email, microsoft.defaultCalendarId(email), '2026-11-04T09:30:00', '2026-11-04T10:30:00');
      // A calendar someone else shared with the person: theirs, not the person's busy time.
      const boss = microsoft.addCalendar(email, 'Boss', 'boss@contoso.test');
      microsoft.addEvent(email, boss.id, '2026-11-05T09:00:00', '2026-11-05T10:00:00');
    });
    after(async () => {
      await t?.close();
      await microsoft?.close();
    });

    it('reads every calendar the person owns through its own calendarView, not a shared one', async () => {
      const res = await t.app.inject({ url: '/api/v1/me/conflicts?from=2026-11-02T00:00:00Z&to=2026-11-06T00:00:00Z', headers: { cookie } });
      const body = res.json() as { items: { title: string }[]; checked: Check[] };
      assert.deepEqual(body.items.map((i) => i.title).sort(), ['default clash', 'family clash']);
      assert.equal(body.checked[0]!.status, 'ok');
      assert.deepEqual([...body.checked[0]!.calendars!].sort(), ['Calendar', 'Family']);
      assert.ok(microsoft.requests.some((r) => /\/me\/calendars\/[^/]+\/calendarView$/.test(r)), 'one view per calendar');
    });
  });
}

describe('Google freeBusy errors at the adapter', () => {
  it('refuses an answer whose calendar was not computed instead of reading it as free', async () => {
    const { fromGoogleFreeBusy } = await import('../../src/integrations/google/mapper.ts');
    // The documented shape: https://developers.google.com/workspace/calendar/api/v3/reference/freebusy/query
    const notFound = { kind: 'calendar#freeBusy', calendars: { 'gone@group.calendar.google.com': { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] } } };
    assert.throws(() => fromGoogleFreeBusy(notFound), (e: Error & { code?: string }) => e.code === 'not_found' && /not found/.test(e.message));
    const tooMany = { calendars: { a: { busy: [] }, b: { errors: [{ domain: 'usageLimits', reason: 'tooManyCalendarsRequested' }], busy: [] } } };
    assert.throws(() => fromGoogleFreeBusy(tooMany), /too many calendars/);
    assert.deepEqual(fromGoogleFreeBusy({ calendars: { a: { busy: [{ start: '2026-11-03T19:00:00Z', end: '2026-11-03T19:30:00Z' }] } } }), [
      { start: Date.parse('2026-11-03T19:00:00Z'), end: Date.parse('2026-11-03T19:30:00Z') },
    ]);
  });
});
