/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser, type Page } from '../helpers/browser.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import type { OAuthClient } from '../emulators/oauth-server.ts';
import { emulatorSettings } from '../helpers/connect.ts';

// Issue 10 in Chromium: the person ticks which calendars count for clashes on the page that
// lists connections, and the home page says which calendars were checked.

describe('calendars checked for clashes in Chromium', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let google: GoogleEmulator;
  let browser: Browser;
  let page: Page;
  const clients: OAuthClient[] = [{ clientId: 'g', clientSecret: 's', redirectUris: [] }];
  const email = 'nina@gmail.test';

  before(async () => {
    google = await startGoogleEmulator({ clients, email });
    t = await startTestServer(testEngines[0]!, emulatorSettings({ google }));
    clients[0]!.redirectUris.push(`${t.baseUrl}/connect/google/callback`);
    google.addCalendar(email, 'Family');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, locale: 'en-GB' });
    await page.goto(`${t.baseUrl}/connect/google?mode=busy`);
    await page.waitForURL(/\/me\?connected=/);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await google?.close();
  });

  it('lets the person untick a calendar and shows which calendars were checked', async () => {
    const group = page.getByRole('group', { name: 'Calendars checked for clashes' });
    const family = group.getByLabel('Family');
    await family.waitFor();
    assert.equal(await family.isChecked(), true, 'every calendar the person owns counts by default');
    await family.uncheck();
    await group.getByText('Saved.').waitFor();
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const [connection] = (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json().items;
    const stored = (await t.app.inject({ url: `/api/v1/me/connections/${connection.id}/busy-calendars`, headers: { cookie } })).json();
    assert.deepEqual(stored.calendars.filter((c: { counts: boolean }) => c.counts).map((c: { name: string }) => c.name), [email]);

    await page.goto(t.baseUrl);
    await page.getByTestId('checked-calendars').getByText(`Checked in Google: ${email}.`).waitFor();
  });
});
