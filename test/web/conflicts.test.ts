/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser, type Page } from '../helpers/browser.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import type { OAuthClient } from '../emulators/oauth-server.ts';
import { emulatorSettings } from '../helpers/connect.ts';
import { addDays, formatLocalDate, utcToZoned } from '../../src/core/time/local-time.ts';

// Clashes in the pages, against a connected Google calendar (emulator) in Chromium: the badge
// on cards and the event page, "hide events that clash", the warning when saving a clashing
// event, free evenings this week; then the sync status with its retry button, for the person
// and for the organizer.

const shots = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const ZONE = 'Europe/Berlin';

describe('clashes and sync status in Chromium', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let google: GoogleEmulator;
  let browser: Browser;
  let page: Page;
  const clients: OAuthClient[] = [{ clientId: 'g', clientSecret: 's', redirectUris: [] }];
  // Tomorrow and the day after, in the viewer's zone: always inside "this week".
  const today = utcToZoned(Date.now(), ZONE);
  const day1 = formatLocalDate(addDays(today, 1));
  const day2 = formatLocalDate(addDays(today, 2));
  const ids: Record<string, { id: string; slug: string }> = {};

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    google = await startGoogleEmulator({ clients });
    t = await startTestServer(testEngines[0]!, emulatorSettings({ google }));
    clients[0]!.redirectUris.push(`${t.baseUrl}/connect/google/callback`);
    const make = async (key: string, start: string, end: string) => {
      ids[key] = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: key, start, end, timezone: ZONE } })).json();
    };
    await make('Clashing gig', `${day1}T20:00`, `${day1}T22:00`);
    await make('Open mic', `${day2}T19:30`, `${day2}T21:00`);
    await make('Rejected talk', `${day2}T12:00`, `${day2}T13:00`);
    // The person's own meeting, in their primary Google calendar.
    google.events.set('primary\nmeeting', { id: 'meeting', calendarId: 'primary', etag: '"1"', status: 'confirmed', start: { dateTime: `${day1}T20:30:00`, timeZone: ZONE }, end: { dateTime: `${day1}T21:30:00`, timeZone: ZONE } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1100, height: 1100 }, timezoneId: ZONE, locale: 'en-GB' });
    await page.goto(`${t.baseUrl}/connect/google?mode=push`);
    await page.waitForURL(/\/me\?connected=/);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await google?.close();
  });

  it('marks clashing events, hides them on request and suggests free evenings', async () => {
    await page.goto(t.baseUrl);
    const gig = page.locator('.card', { hasText: 'Clashing gig' });
    await gig.getByText("You're busy 20:30–21:30 in Google").waitFor();
    assert.equal(await page.locator('.card', { hasText: 'Open mic' }).getByTestId('clash').count(), 0, 'no badge on a free evening');
    const evenings = page.getByRole('region', { name: 'Free evenings this week' });
    await evenings.getByRole('link', { name: 'Open mic' }).waitFor();
    assert.equal(await evenings.getByTestId('free-evening').filter({ hasText: 'Clashing gig' }).count(), 0);
    await page.screenshot({ path: path.join(shots, 'home-clashes.png'), fullPage: true });
    await page.getByLabel('Hide events that clash with my calendar').check();
    await page.locator('.card', { hasText: 'Clashing gig' }).waitFor({ state: 'detached' });
    await page.locator('.card', { hasText: 'Open mic' }).waitFor();
  });

  it('warns before saving a clashing event, then saves and pushes it', async () => {
    await page.goto(`${t.baseUrl}/events/${ids['Clashing gig']!.slug}`);
    await page.locator('.event-page').getByText("You're busy 20:30–21:30 in Google").waitFor();
    await page.getByRole('button', { name: /Save and add to Google/ }).click();
    const warning = page.getByRole('alert');
    await warning.getByText("You're busy 20:30–21:30 in Google. Save it anyway?").waitFor();
    await page.screenshot({ path: path.join(shots, 'event-clash-warning.png') });
    const saved = await t.app.inject({ url: '/api/v1/me', headers: { cookie: await cookieHeader() } });
    assert.deepEqual(saved.json().savedEventIds, [], 'nothing saved before the person confirms');
    await page.getByRole('button', { name: 'Save anyway' }).click();
    await page.getByText(/on its way to Google/).waitFor();
    await t.services.worker.drain();
    assert.ok([...google.events.values()].some((e) => e.summary === 'Clashing gig' && e.status === 'confirmed'));
  });

  it('shows a failed copy with its reason and pushes it again from the retry button', async () => {
    await page.goto(`${t.baseUrl}/events/${ids['Rejected talk']!.slug}`);
    // This time from the add-to-calendar menu, whose first item is the kept-in-sync one.
    await page.getByRole('button', { name: 'Add to calendar' }).click();
    const first = page.getByRole('menu').getByRole('menuitem').first();
    assert.equal(await first.textContent(), 'Google (kept in sync)');
    await first.click();
    await page.getByText(/on its way to Google/).waitFor();
    google.faults.queue.push('400', '400', '400'); // the next three pushes are refused
    for (let i = 0; i < 3; i++) {
      t.clock.now += 10 * 60_000; // past each backoff
      await t.services.worker.drain();
    }
    await page.reload();
    const status = page.getByRole('list', { name: 'In your connected calendars' });
    await status.getByText(/Google: failed \(.*400/).waitFor();
    await page.screenshot({ path: path.join(shots, 'event-sync-failed.png') });

    // The organizer sees it too, with the reason.
    const organizer = await browser.newPage({ viewport: { width: 1100, height: 1000 }, locale: 'en-GB' });
    await organizer.goto(`${t.baseUrl}/organizer`);
    await organizer.getByLabel('Admin token').fill(t.auth.authorization.slice('Bearer '.length));
    await organizer.getByRole('button', { name: 'Sign in' }).click();
    await organizer.getByRole('button', { name: 'Edit Rejected talk' }).click();
    const copies = organizer.getByRole('region', { name: "In people's calendars" });
    await copies.getByText('0 synced, 0 pending, 1 failed').waitFor();
    await copies.getByText(/Google: .*400/).waitFor();

    await status.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('Trying Google again…').waitFor();
    await t.services.worker.drain();
    await page.reload();
    await status.getByText('Google: synced').waitFor();
    await organizer.reload();
    await organizer.getByRole('button', { name: 'Edit Rejected talk' }).click();
    await copies.getByText('1 synced, 0 pending, 0 failed').waitFor();
    await organizer.close();
  });

  async function cookieHeader(): Promise<string> {
    return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  }
});
