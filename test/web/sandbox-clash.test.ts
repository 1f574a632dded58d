/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser } from '../helpers/browser.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { SANDBOX_BUSY_PATH } from '../emulators/sandbox-busy-page.ts';
import type { OAuthClient } from '../emulators/oauth-server.ts';
import { emulatorSettings } from '../helpers/connect.ts';
import { addDays, formatLocalDate, utcToZoned } from '../../src/core/time/local-time.ts';

// First run in the sandbox: a newcomer connects the emulated Google, adds a busy meeting from the
// emulator's page (linked from My events) and sees the clash on an event, with nothing set up.

const ZONE = 'Europe/Berlin';

describe('the sandbox shows a clash without any setup', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let google: GoogleEmulator;
  let browser: Browser;
  const clients: OAuthClient[] = [{ clientId: 'g', clientSecret: 's', redirectUris: [] }];
  const day = formatLocalDate(addDays(utcToZoned(Date.now(), ZONE), 2));

  before(async () => {
    google = await startGoogleEmulator({ clients });
    t = await startTestServer(testEngines[0]!, { ...emulatorSettings({ google }), SANDBOX: 'true', SANDBOX_BUSY_URL: `${google.url}${SANDBOX_BUSY_PATH}` });
    clients[0]!.redirectUris.push(`${t.baseUrl}/connect/google/callback`);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await google?.close();
  });

  it('adds a busy meeting from the page My events links to, and the event page shows the clash', async () => {
    const event = (
      await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Evening jam', start: `${day}T19:00`, end: `${day}T21:00`, timezone: ZONE } })
    ).json();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, timezoneId: ZONE, locale: 'en-GB' });
    await page.goto(`${t.baseUrl}/connect/google?mode=busy`);
    await page.waitForURL(/\/me\?connected=/);

    await page.getByRole('link', { name: 'add a busy meeting to the emulated Google calendar' }).click();
    await page.getByRole('heading', { name: 'Add a busy meeting' }).waitFor();
    await page.getByLabel('Title').fill('Dentist');
    // Local times in the browser's zone (Berlin), as the person reads them.
    await page.getByLabel('Starts').fill(`${day}T19:30`);
    await page.getByLabel('Ends').fill(`${day}T20:15`);
    await page.getByRole('button', { name: 'Add to the emulated Google calendar' }).click();
    await page.getByRole('status').getByText(/Added “Dentist”/).waitFor();
    const meeting = [...google.events.values()].find((e) => e.summary === 'Dentist');
    assert.ok(meeting, 'the meeting is in the emulated calendar');
    assert.equal(Date.parse(meeting.start.dateTime!), Date.parse(`${day}T19:30:00${offset(day)}`), 'the local time was read in the browser’s zone');

    await page.goto(`${t.baseUrl}/events/${event.slug}`);
    await page.locator('.event-page').getByText("You're busy 19:30–20:15 in Google").waitFor();
    await page.close();
  });

  it('refuses a meeting that ends before it starts and adds nothing', async () => {
    const before = google.events.size;
    const res = await fetch(`${google.url}${SANDBOX_BUSY_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ summary: 'Backwards', startIso: `${day}T20:00:00Z`, endIso: `${day}T19:00:00Z` }).toString(),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /The end must be after the start/);
    assert.equal(google.events.size, before);
  });
});

/** Berlin's UTC offset on that day, as "+01:00" or "+02:00". */
function offset(day: string): string {
  const noon = Date.parse(`${day}T12:00:00Z`);
  const berlinNoon = utcToZoned(noon, ZONE);
  const hours = berlinNoon.hour - 12;
  return `+0${hours}:00`;
}
