/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { freePort, startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser, type Page } from '../helpers/browser.ts';

// The pages in a real browser (Debian's Chromium through playwright-core) against the real
// server; screenshots of every page go to test-artifacts/screenshots.

const shots = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const HOSTILE = '"><script>window.__pwned=1</script> 🎉 مرحبا';

describe('web pages in Chromium', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let browser: Browser;
  const ids: Record<string, { id: string; slug: string; uid: string }> = {};

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    t = await startTestServer(testEngines[0]!);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const make = async (key: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload });
      assert.equal(res.statusCode, 201, res.body);
      ids[key] = res.json();
    };
    await make('jazz', { title: 'Jazz at the Docks', description: 'Two sets.\nBring a jumper.', location: 'Kai 3, Hamburg', categories: ['Music'], start: `${day(2)}T19:30`, end: `${day(2)}T22:00`, timezone: 'Asia/Tokyo' });
    await make('market', { title: 'Makers Market', categories: ['Markets'], start: day(3), end: day(4), allDay: true, timezone: 'Europe/Berlin' });
    await make('hostile', { title: HOSTILE, description: '<img src=x onerror="window.__pwned=2">', categories: ['Music'], start: `${day(4)}T10:00`, end: `${day(4)}T11:00`, timezone: 'UTC' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function page(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const p = await browser.newPage({ viewport });
    // Nothing may leave the machine: calendar sites are answered locally.
    await p.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>external</p>' }));
    return p;
  }

  it('lists upcoming events, filters by category and switches to the week view', async () => {
    const p = await page({ width: 390, height: 844 });
    await p.goto(`${t.baseUrl}/`);
    await p.getByRole('heading', { name: 'Upcoming events' }).waitFor();
    await p.getByRole('link', { name: 'Jazz at the Docks' }).waitFor();
    await p.screenshot({ path: path.join(shots, 'home-phone.png'), fullPage: true });
    await p.getByRole('button', { name: 'Markets' }).click();
    await p.getByRole('link', { name: 'Makers Market' }).waitFor();
    // Makers Market is in the unfiltered list too: wait for the filter to take Jazz away.
    await p.getByRole('link', { name: 'Jazz at the Docks' }).waitFor({ state: 'detached' });
    assert.equal(await p.getByRole('link', { name: 'Jazz at the Docks' }).count(), 0);
    await p.getByRole('button', { name: 'All', exact: true }).click();
    await p.getByRole('button', { name: 'Week' }).click();
    await p.getByRole('heading', { name: /Week of/ }).waitFor();
    await p.close();
  });

  it('shows an event with both time zones, and a keyboard-usable add-to-calendar menu', async () => {
    const p = await page();
    await p.goto(`${t.baseUrl}/events/${ids.jazz!.slug}`);
    await p.getByRole('heading', { name: 'Jazz at the Docks' }).waitFor();
    // The event's own time with its zone's abbreviation, never the raw IANA name (issue 11 point 2).
    assert.match(await p.getByTestId('event-time').innerText(), /7:30 – 10:00 PM (JST|GMT\+9)$/);
    const button = p.getByRole('button', { name: /Add to calendar/ });
    await button.focus();
    await p.keyboard.press('ArrowDown');
    const items = p.getByRole('menuitem');
    assert.equal(await items.count(), 5);
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.equal(await p.evaluate(() => document.activeElement?.textContent), 'Google Calendar');
    await p.keyboard.press('ArrowDown');
    assert.equal(await p.evaluate(() => document.activeElement?.textContent), 'Outlook.com');
    await p.screenshot({ path: path.join(shots, 'event-menu.png') });
    const hrefs = await items.evaluateAll((els) => els.map((a) => a.getAttribute('href')));
    await p.keyboard.press('Escape');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await p.evaluate(() => document.activeElement?.textContent?.trim()), 'Add to calendar ▾');
    assert.equal(hrefs.length, 5);
    for (const href of hrefs) assert.match(href!, new RegExp(`^${t.baseUrl}/go/[a-z0-9]+/events/${ids.jazz!.id}$`));
    const google = await fetch(hrefs[0]!, { redirect: 'manual' });
    assert.equal(google.status, 302);
    assert.match(google.headers.get('location')!, /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE/);
    await p.close();
  });

  it('opens the subscribe dialog with options, a copy button and a QR code', async () => {
    const p = await page({ width: 390, height: 844 });
    await p.goto(`${t.baseUrl}/`);
    await p.getByRole('button', { name: 'Subscribe to all events' }).click();
    const dialog = p.getByRole('dialog', { name: /Subscribe to/ });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('textbox').inputValue(), `${t.baseUrl}/feeds/all.ics`);
    assert.ok((await dialog.locator('a[data-target="webcal"]').getAttribute('href'))!.startsWith('webcal://127.0.0.1'));
    await dialog.getByRole('img', { name: /QR code/ }).waitFor();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    await p.screenshot({ path: path.join(shots, 'subscribe-dialog-phone.png') });
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await p.close();
  });

  it('saves an event, and the personal feed shown on "My events" holds it', async () => {
    const p = await page();
    await p.goto(`${t.baseUrl}/events/${ids.jazz!.slug}`);
    await p.getByRole('button', { name: '☆ Save' }).click();
    await p.getByRole('button', { name: '★ Saved' }).waitFor();
    await p.getByRole('link', { name: 'My events' }).click();
    await p.getByRole('heading', { name: 'My events', level: 1 }).waitFor();
    await p.getByRole('link', { name: 'Jazz at the Docks' }).waitFor();
    await p.getByRole('button', { name: 'Create my feed address' }).click();
    const url = await p.getByLabel(/Your feed address/).inputValue();
    assert.match(url, /\/feeds\/personal\/[A-Za-z0-9_-]{43}\.ics$/);
    const feed = await fetch(url, { headers: { 'user-agent': 'Google-Calendar-Importer' } });
    assert.equal(feed.status, 200);
    assert.equal(feed.headers.get('content-type'), 'text/calendar; charset=utf-8');
    assert.match(await feed.text(), new RegExp(`UID:${ids.jazz!.uid}`));
    await p.reload();
    await p.getByText(/Google Calendar\s*last checked your feed/).waitFor();
    await p.screenshot({ path: path.join(shots, 'my-events.png'), fullPage: true });
    await p.close();
  });

  it('lets an organizer sign in, create, edit (version and changes shown) and cancel', async () => {
    const p = await page();
    p.on('dialog', (d) => void d.accept());
    await p.goto(`${t.baseUrl}/organizer`);
    await p.getByLabel('Admin token').fill('wrong-token-value');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByText('That token was not accepted.').waitFor();
    await p.getByLabel('Admin token').fill(t.auth.authorization.slice('Bearer '.length));
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'New event' }).click();
    await p.getByLabel('Title').fill('Poetry slam');
    await p.getByLabel('Starts').fill('2027-02-01T19:00');
    await p.getByLabel('Ends').fill('2027-02-01T18:00');
    await p.getByLabel('Time zone').selectOption('Europe/Paris');
    await p.getByRole('button', { name: 'Create event' }).click();
    await p.getByText('The end must be after the start (7:00 PM).').waitFor();
    await p.getByLabel('Ends').fill('2027-02-01T21:00');
    await p.getByRole('button', { name: 'Create event' }).click();
    await p.getByText(/Saved “Poetry slam” \(version 0\)/).waitFor();
    await p.getByLabel('Location').fill('Back room');
    await p.getByRole('button', { name: 'Save changes' }).click();
    await p.getByText(/\(version 1\)/).waitFor();
    await p.getByText(/version 1 — location/).waitFor();
    await p.screenshot({ path: path.join(shots, 'organizer-edit.png'), fullPage: true });
    await p.getByRole('button', { name: 'All events' }).click();
    await p.getByRole('button', { name: 'Cancel Poetry slam' }).click();
    await p.getByRole('dialog', { name: /Cancel “Poetry slam”/ }).getByRole('button', { name: 'Cancel the event' }).click();
    await p.getByText(/Cancelled “Poetry slam”/).waitFor();
    await p.getByRole('button', { name: 'Restore Poetry slam' }).waitFor();
    await p.screenshot({ path: path.join(shots, 'organizer-list.png'), fullPage: true });
    await p.close();
  });

  it('shows hostile titles literally and never runs them', async () => {
    const p = await page();
    await p.goto(`${t.baseUrl}/events/${ids.hostile!.id}`);
    await p.getByRole('heading', { name: HOSTILE }).waitFor();
    await p.goto(`${t.baseUrl}/`);
    await p.getByRole('link', { name: HOSTILE }).waitFor();
    assert.equal(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await p.close();
  });

  it('embeds the button on a page of another origin', async () => {
    const port = await freePort();
    const other = http
      .createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Partner site</title><h1>Partner site</h1><script src="${t.baseUrl}/widget.js"></script><calendar-club-add event="${ids.market!.id}"></calendar-club-add><calendar-club-add event="nope"></calendar-club-add>`);
      })
      .listen(port, '127.0.0.1');
    try {
      const p = await page();
      await p.goto(`http://127.0.0.1:${port}/`);
      const widget = p.locator('calendar-club-add').first();
      await widget.getByRole('button', { name: /Add to calendar: “Makers Market”/ }).click();
      const targets = await widget.getByRole('menuitem').evaluateAll((els) => els.map((a) => (a as HTMLElement).dataset.target));
      assert.deepEqual(targets, ['google', 'outlook', 'office365', 'yahoo', 'ics']);
      assert.match((await widget.getByRole('menuitem').first().getAttribute('href'))!, new RegExp(`^${t.baseUrl}/go/google/events/`));
      await p.locator('calendar-club-add').nth(1).getByText('This event does not exist.').waitFor();
      await p.screenshot({ path: path.join(shots, 'widget-other-origin.png') });
      await p.goto(`${t.baseUrl}/widget/demo`);
      await p.locator('calendar-club-add').getByRole('button').waitFor();
      await p.close();
    } finally {
      other.close();
    }
  });
});
