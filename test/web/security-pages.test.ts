/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { ADMIN_TOKEN, startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser, type Page } from '../helpers/browser.ts';

// Issue 12, finding 7 in a real browser: the pages work under their Content-Security-Policy
// (nothing blocked), and the organizer page keeps the admin token nowhere a script can read.

describe('security of the pages in Chromium', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let browser: Browser;
  let eventId: string;

  before(async () => {
    t = await startTestServer(testEngines[0]!);
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Harbour talk', start: `${day}T18:00`, end: `${day}T19:00`, timezone: 'UTC' } });
    eventId = res.json().id;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that records every CSP violation it meets. */
  async function page(): Promise<{ p: Page; violations: string[] }> {
    const p = await browser.newPage();
    const violations: string[] = [];
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await p.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>external</p>' }));
    return { p, violations };
  }

  it('renders every page under its policy with nothing blocked', async () => {
    const { p, violations } = await page();
    await p.goto(`${t.baseUrl}/`);
    await p.getByRole('link', { name: 'Harbour talk' }).waitFor();
    await p.goto(`${t.baseUrl}/events/${eventId}`);
    await p.getByRole('heading', { name: 'Harbour talk' }).waitFor();
    await p.goto(`${t.baseUrl}/me`);
    await p.waitForLoadState('networkidle');
    await p.goto(`${t.baseUrl}/widget/demo`);
    await p.locator('calendar-club-add').getByRole('button', { name: /Add to calendar: “.+”/ }).waitFor();
    const buttonColour = await p.locator('calendar-club-add').evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('button')!).backgroundColor);
    assert.equal(buttonColour, 'rgb(51, 70, 211)', "the widget's own styles apply on the demo page");
    await p.goto(`${t.baseUrl}/docs`);
    await p.locator('.swagger-ui .info .title').waitFor();
    assert.deepEqual(violations, []);
    await p.close();
  });

  it('signs the organizer in with an httpOnly session: no token in storage or document.cookie; reload keeps it; sign out ends it', async () => {
    const { p, violations } = await page();
    await p.goto(`${t.baseUrl}/organizer`);
    await p.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'New event' }).waitFor();
    const readable = await p.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    assert.equal(readable.includes(ADMIN_TOKEN), false, `a script can read the token: ${readable}`);
    const cookie = (await p.context().cookies()).find((c) => c.name === 'cc_organizer');
    assert.ok(cookie, 'the organizer session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    await p.reload();
    await p.getByRole('button', { name: 'Edit Harbour talk' }).waitFor();
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByLabel('Admin token').waitFor();
    await p.reload();
    await p.getByLabel('Admin token').waitFor();
    assert.equal((await p.context().cookies()).some((c) => c.name === 'cc_organizer'), false);
    assert.deepEqual(violations, []);
    await p.close();
  });
});
