/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser } from '../helpers/browser.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import type { OAuthClient } from '../emulators/oauth-server.ts';

// Connecting calendars from "My events" in a real browser: Google through the emulator's
// clickable consent page, and a CalDAV account on a real Radicale server.

const shots = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const radicale = caldavServers.find((s) => s.name === 'radicale')!;

describe('connecting calendars in Chromium', { skip: browserSkip() || radicale.skip }, () => {
  let t: TestApp & { baseUrl: string };
  let google: GoogleEmulator;
  let dav: CalDavServer;
  let browser: Browser;
  const clients: OAuthClient[] = [{ clientId: 'google-client', clientSecret: 'google-secret', redirectUris: [] }];

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    google = await startGoogleEmulator({ clients, autoConsent: false });
    dav = await radicale.start();
    t = await startTestServer(testEngines[0]!, {
      ALLOW_PRIVATE_NETWORK: 'true',
      SANDBOX: 'true',
      GOOGLE_CLIENT_ID: 'google-client',
      GOOGLE_CLIENT_SECRET: 'google-secret',
      GOOGLE_ACCOUNTS_URL: google.url,
      GOOGLE_OAUTH2_URL: google.url,
      GOOGLE_API_URL: google.url,
    });
    clients[0]!.redirectUris.push(`${t.baseUrl}/connect/google/callback`);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await google?.close();
    await dav?.stop();
  });

  it('connects Google through the consent page and a CalDAV account through the form', async () => {
    const p = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    await p.goto(`${t.baseUrl}/me`);
    await p.getByText(/Local sandbox: Google and Microsoft here are emulators/).waitFor();
    // One entry that opens to the choices; no CalDAV form until a CalDAV service is chosen.
    const entry = p.getByRole('button', { name: 'Connect a calendar' });
    assert.equal(await entry.getAttribute('aria-expanded'), 'false');
    assert.equal(await p.getByLabel('App password').count(), 0);
    await entry.click();
    await p.getByText('Microsoft is not set up on this server.').waitFor();
    assert.equal(await p.getByLabel('App password').count(), 0, 'the CalDAV form stays collapsed until chosen');
    await p.getByRole('link', { name: 'Connect Google (add my saved events)' }).click();
    await p.getByText(/Local sandbox:/).waitFor();
    assert.ok(p.url().startsWith(google.url), 'on the emulator’s consent page');
    await p.getByRole('button', { name: 'Allow' }).click();
    await p.waitForURL(/\/me\?connected=/);
    await p.getByText('Google connected.').waitFor();
    const connection = p.locator('.connection').filter({ hasText: 'Google' });
    await connection.getByText('(nina@gmail.test)').waitFor();
    await connection.getByText('Active').waitFor();
    // The calendar saved events go to (the busy-times checkboxes below name it too).
    await connection.locator('strong').getByText('Calendar Club', { exact: true }).waitFor();

    await p.getByRole('button', { name: 'Connect a calendar' }).click();
    await p.getByRole('button', { name: 'Fastmail' }).click();
    // The preset's server URL arrives with the presets list.
    await p.waitForFunction(() => (document.getElementById('caldav-url') as HTMLInputElement | null)?.value !== '');
    assert.equal(await p.getByLabel('Server URL').inputValue(), 'https://caldav.fastmail.com/dav/');
    await p.getByLabel('Server URL').fill(dav.url);
    await p.getByLabel('Username').fill(dav.username);
    await p.getByLabel('App password').fill('wrong-password');
    await p.getByRole('button', { name: 'Connect', exact: true }).click();
    await p.getByText(/did not accept that username and app password/).waitFor();
    await p.getByLabel('App password').fill(dav.password);
    await p.getByRole('button', { name: 'Connect', exact: true }).click();
    await p.locator('.connection').filter({ hasText: 'CalDAV (127.0.0.1)' }).getByText('(nina)').waitFor();
    await p.getByText('CalDAV (127.0.0.1) connected.').waitFor();
    // Cleared after success: the form (and the app password in it) is gone.
    assert.equal(await p.getByLabel('App password').count(), 0);
    await p.screenshot({ path: path.join(shots, 'connections.png'), fullPage: true });
    assert.equal((await t.database.db.selectFrom('connections').selectAll().execute()).length, 2);

    // One click on the event page: saved, and pushed to the connected calendars.
    const event = (
      await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Kept in sync', start: '2027-01-15T18:00', end: '2027-01-15T19:00', timezone: 'Europe/Berlin' } })
    ).json();
    await p.goto(`${t.baseUrl}/events/${event.slug}`);
    await p.getByRole('button', { name: /Save and add to Google \+ your CalDAV calendar \(kept in sync\)/ }).click();
    await p.getByText(/on its way to Google and your CalDAV calendar/).waitFor();
    await t.services.worker.drain();
    await p.reload();
    await p.getByRole('list', { name: 'In your connected calendars' }).getByText('Google: synced').waitFor();
    await p.getByText('your CalDAV calendar: synced').waitFor();
    assert.ok([...google.events.values()].some((e) => e.summary === 'Kept in sync' && e.status === 'confirmed'));
    await p.screenshot({ path: path.join(shots, 'event-kept-in-sync.png') });

    // Labelled by the service it is (here: the server moved to Fastmail's host), and never
    // "Active" while every copy to it fails to reach the server.
    const caldav = await t.database.db.selectFrom('connections').select('id').where('kind', '=', 'caldav').executeTakeFirstOrThrow();
    await t.database.db.updateTable('connections').set({ server_url: 'https://caldav.fastmail.com/dav/' }).where('id', '=', caldav.id).execute();
    await t.database.db.updateTable('pushed_copies').set({ state: 'failed', last_error: 'the server did not answer' }).where('connection_id', '=', caldav.id).execute();
    await p.goto(`${t.baseUrl}/me`);
    const fastmail = p.locator('.connection').filter({ hasText: 'Fastmail' });
    await fastmail.getByText('Not reaching Fastmail').waitFor();
    assert.equal(await fastmail.getByText('Active', { exact: true }).count(), 0);
    await p.locator('.connection').filter({ hasText: 'Google' }).getByText('Active', { exact: true }).waitFor();
    // Disconnecting asks first and says what happens to the copies already there.
    await fastmail.getByRole('button', { name: /^Disconnect Fastmail/ }).click();
    await p.getByRole('dialog', { name: 'Disconnect Fastmail?' }).getByText(/no longer updated/).waitFor();
    await p.screenshot({ path: path.join(shots, 'connections-failing.png'), fullPage: true });
    await p.getByRole('dialog').getByRole('button', { name: 'Disconnect', exact: true }).click();
    await p.getByText('Fastmail disconnected; its sign-in is deleted.').waitFor();
    await p.close();
  });

  it('the phone after the laptop: connecting the same account says this browser joined the other device', async () => {
    // The laptop connects the CalDAV account and saves an event.
    const laptop = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const event = (
      await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Saved on the laptop', start: '2027-02-10T18:00', end: '2027-02-10T19:00', timezone: 'Europe/Berlin' } })
    ).json();
    await laptop.goto(`${t.baseUrl}/me`);
    await laptop.getByRole('button', { name: 'Connect a calendar' }).click();
    await laptop.getByRole('button', { name: 'Other CalDAV server' }).click();
    await laptop.getByLabel('Server URL').fill(dav.url);
    await laptop.getByLabel('Username').fill(dav.username);
    await laptop.getByLabel('App password').fill(dav.password);
    await laptop.getByRole('button', { name: 'Connect', exact: true }).click();
    await laptop.getByText('CalDAV (127.0.0.1) connected.', { exact: true }).waitFor();
    await laptop.goto(`${t.baseUrl}/events/${event.slug}`);
    await laptop.locator('button[aria-pressed="false"]').filter({ hasText: 'Save' }).click();
    await laptop.locator('button[aria-pressed="true"]').filter({ hasText: 'Saved' }).waitFor();

    // The phone (its own cookies) proves the same CalDAV login: it becomes that person and says so.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${t.baseUrl}/me`);
    await phone.getByText('Nothing saved yet.', { exact: false }).waitFor();
    await phone.getByRole('button', { name: 'Connect a calendar' }).click();
    await phone.getByRole('button', { name: 'Other CalDAV server' }).click();
    await phone.getByLabel('Server URL').fill(dav.url);
    await phone.getByLabel('Username').fill(dav.username);
    await phone.getByLabel('App password').fill(dav.password);
    await phone.getByRole('button', { name: 'Connect', exact: true }).click();
    await phone.getByText(/CalDAV \(127\.0\.0\.1\) connected\. You had already connected this account on another device/).waitFor();
    await phone.locator('ul.saved').getByText('Saved on the laptop').waitFor();
    // One connection for the account, not one per device.
    assert.equal(await phone.locator('.connection').filter({ hasText: 'CalDAV (127.0.0.1)' }).count(), 1);
    await phone.screenshot({ path: path.join(shots, 'joined-other-device-phone.png'), fullPage: true });

    // Back from Google's consent page: the Google account belongs to the person of the first test,
    // so this browser joins that person too, and the page says so after the redirect.
    await phone.getByRole('button', { name: 'Connect a calendar' }).click();
    await phone.getByRole('link', { name: 'Connect Google (add my saved events)' }).click();
    await phone.getByRole('button', { name: 'Allow' }).click();
    await phone.waitForURL(/\/me\?connected=.*&joined=1/);
    await phone.getByText(/Google connected\. You had already connected this account on another device/).waitFor();
    await phone.locator('ul.saved').getByText('Kept in sync').waitFor();
    await laptop.close();
    await phone.close();
  });
});
