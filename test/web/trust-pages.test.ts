/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser, type Page } from '../helpers/browser.ts';

// Issue 11 points 3, 4, 6, 8 and 10 in Chromium against the real server: phones, the personal
// feed, errors and 404s, the home page's URL state, connections. Screenshots (phone, desktop,
// dark) go to test-artifacts/screenshots.

const shots = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const LONG_LOCATION = 'Hauptstraße-Hinterhof-Werkstatt-Gebäude-C-Eingang-über-den-Parkplatz-neben-der-Bäckerei-Nummer-123456789';

describe('pages people trust in Chromium (issue 11)', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let browser: Browser;
  const ids: Record<string, { id: string; slug: string }> = {};
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    t = await startTestServer(testEngines[0]!);
    const make = async (key: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload });
      assert.equal(res.statusCode, 201, res.body);
      ids[key] = res.json();
    };
    await make('talk', { title: 'Supercalifragilisticexpialidocious lecture', location: LONG_LOCATION, categories: ['Talks'], start: `${day(2)}T18:00`, end: `${day(2)}T19:00`, timezone: 'UTC' });
    await make('gig', { title: 'Harbour gig', categories: ['Music'], start: `${day(3)}T20:00`, end: `${day(3)}T22:00`, timezone: 'UTC' });
    await make('gone', { title: 'Called-off picnic', categories: ['Music'], start: `${day(4)}T12:00`, end: `${day(4)}T14:00`, timezone: 'UTC' });
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/events/${ids.gone!.id}/cancel`, headers: t.auth })).statusCode, 200);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function page(viewport = DESKTOP, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const p = await browser.newPage({ viewport, colorScheme });
    await p.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>external</p>' }));
    return p;
  }
  const fitsWidth = async (p: Page, selector: string) => {
    const boxes = await p.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, w: r.width, h: r.height })));
    for (const b of boxes) assert.ok(b.left >= 0 && b.right <= 390 + 0.5, `${selector} at ${b.left}..${b.right} leaves the 390 px screen`);
    return boxes;
  };

  it('3. fits a phone: subscribe dialog, 44 px controls, a wrapping location, the organizer list', async () => {
    const p = await page(PHONE);
    await p.goto(`${t.baseUrl}/`);
    await p.getByRole('link', { name: 'Harbour gig' }).waitFor();
    // Every button and nav link is at least 44 px tall.
    const small = await p.locator('button:visible, nav a:visible').evaluateAll((els) =>
      els.map((e) => ({ name: e.textContent?.trim(), h: e.getBoundingClientRect().height })).filter((b) => b.h < 44),
    );
    assert.deepEqual(small, [], 'controls under 44 px');
    // The long location wraps inside the card instead of widening the page.
    await fitsWidth(p, `[data-event-id="${ids.talk!.id}"]`);
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling');
    await p.screenshot({ path: path.join(shots, 'trust-home-phone.png'), fullPage: true });

    await p.getByRole('button', { name: 'Subscribe to all events' }).click();
    const dialog = p.getByRole('dialog', { name: /Subscribe to/ });
    await dialog.waitFor();
    await fitsWidth(p, 'dialog[open]');
    const copy = dialog.getByRole('button', { name: 'Copy' });
    const box = (await copy.boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `Copy button at ${box.x}..${box.x + box.width}`);
    await p.screenshot({ path: path.join(shots, 'trust-subscribe-phone.png') });
    await p.keyboard.press('Escape');

    await p.goto(`${t.baseUrl}/organizer`);
    await p.getByLabel('Admin token').fill(t.auth.authorization.slice('Bearer '.length));
    await p.getByRole('button', { name: 'Sign in' }).click();
    const list = p.getByRole('list', { name: 'All events' });
    await list.waitFor();
    const item = list.locator(`[data-event-id="${ids.talk!.id}"]`);
    // Words are not split letter by letter: the title's first word is on one line.
    const titleBox = (await item.locator('.organizer-title').boundingBox())!;
    assert.ok(titleBox.width > 150, `title squeezed to ${titleBox.width} px`);
    await item.getByText(/\d/).first().waitFor(); // its date is visible on a phone
    assert.ok(await item.getByText(/\d/).first().isVisible());
    await list.locator(`[data-event-id="${ids.gone!.id}"]`).getByText('Cancelled', { exact: true }).waitFor();
    await item.getByText('Confirmed', { exact: true }).waitFor();
    assert.equal(await list.getByText(/SEQUENCE/).count(), 0);
    await fitsWidth(p, '.organizer-item');
    await p.screenshot({ path: path.join(shots, 'trust-organizer-phone.png'), fullPage: true });
    await p.close();
  });

  it('4. shows the personal feed address again, asks before changing it, and says where a saved event is', async () => {
    const p = await page();
    await p.goto(`${t.baseUrl}/events/${ids.gig!.slug}`);
    await p.getByRole('button', { name: '☆ Save' }).click();
    await p.getByText(/Saved to My events\. To get it into your calendar/).waitFor();
    assert.equal(await p.getByText(/personal feed/).count(), 0, 'no personal feed exists yet');

    await p.getByRole('link', { name: 'My events' }).click();
    await p.getByRole('button', { name: 'Create my feed address' }).click();
    const first = await p.getByLabel('Your feed address').inputValue();
    assert.match(first, /\/feeds\/personal\/[A-Za-z0-9_-]{43}\.ics$/);
    await p.reload();
    assert.equal(await p.getByLabel('Your feed address').inputValue(), first, 'the same address after a reload');

    // A new address asks first and says the old subscription stops.
    await p.getByRole('button', { name: 'Make a new feed address' }).click();
    const ask = p.getByRole('dialog', { name: 'Make a new feed address?' });
    await ask.getByText(/stops working at once/).waitFor();
    await p.screenshot({ path: path.join(shots, 'trust-feed-confirm.png') });
    await ask.getByRole('button', { name: 'Keep it as it is' }).click();
    assert.equal(await p.getByLabel('Your feed address').inputValue(), first, 'nothing changed');
    await p.getByRole('button', { name: 'Turn off my feed' }).click();
    await p.getByRole('dialog', { name: 'Turn off your feed?' }).getByRole('button', { name: 'Turn off my feed' }).click();
    await p.getByRole('button', { name: 'Create my feed address' }).waitFor();
    assert.equal((await fetch(first)).status, 404);

    // With a feed, saving says it is on its way there.
    await p.getByRole('button', { name: 'Create my feed address' }).click();
    await p.getByLabel('Your feed address').waitFor();
    await p.goto(`${t.baseUrl}/events/${ids.talk!.slug}`);
    await p.getByRole('button', { name: '☆ Save' }).click();
    await p.getByText('Saved to My events. It is on its way to your personal feed.').waitFor();

    // A feed made before tokens were sealed says plainly how to see its address.
    await t.database.db.updateTable('visitors').set({ feed_token_sealed: null }).execute();
    await p.goto(`${t.baseUrl}/me`);
    await p.getByText(/can only be seen by making a new one/).waitFor();
    assert.equal(await p.getByLabel('Your feed address').count(), 0);
    await p.close();
  });

  it('6. answers unknown pages and events with our 404 page, retries when the API is down, shows a skeleton', async () => {
    for (const url of ['/no/such/page', `/events/no-such-slug`]) {
      const res = await fetch(`${t.baseUrl}${url}`);
      assert.equal(res.status, 404, url);
      assert.match(res.headers.get('content-type')!, /^text\/html/, url);
    }
    const api = await fetch(`${t.baseUrl}/api/v1/nope`);
    assert.equal(api.status, 404);
    assert.equal(api.headers.get('content-type'), 'application/problem+json; charset=utf-8');

    const p = await page(PHONE);
    await p.goto(`${t.baseUrl}/events/no-such-slug`);
    await p.getByRole('heading', { name: 'There is no such event' }).waitFor();
    await p.getByRole('link', { name: 'See upcoming events' }).click();
    await p.getByRole('heading', { name: 'Upcoming events' }).waitFor();
    await p.goto(`${t.baseUrl}/nowhere`);
    await p.getByRole('heading', { name: 'There is no such page' }).waitFor();
    await p.screenshot({ path: path.join(shots, 'trust-404-phone.png') });

    // The API is down: the page says so and offers Retry; loading shows a skeleton.
    let down = true;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await p.route('**/api/v1/events?*', async (route) => {
      if (down) return route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Service Unavailable","status":503}' });
      await held;
      return route.continue();
    });
    await p.goto(`${t.baseUrl}/`);
    await p.getByRole('heading', { name: "We can't reach Calendar Club right now" }).waitFor();
    await p.screenshot({ path: path.join(shots, 'trust-api-down-phone.png') });
    down = false;
    await p.getByRole('button', { name: 'Retry' }).click();
    await p.locator('.skeleton-card').first().waitFor();
    await p.screenshot({ path: path.join(shots, 'trust-loading-phone.png') });
    release();
    await p.getByRole('link', { name: 'Harbour gig' }).waitFor();
    assert.equal(await p.locator('.skeleton-card').count(), 0);
    await p.close();
  });

  it('8. keeps filter and view in the URL, makes the whole card a link, marks today, keeps cancelled apart', async () => {
    const p = await page(DESKTOP);
    await p.goto(`${t.baseUrl}/`);
    await p.getByRole('link', { name: 'Harbour gig' }).waitFor();
    // Cancelled events are not in the upcoming days.
    assert.equal(await p.locator('.days > .day').getByText('Called-off picnic').count(), 0);
    await p.getByText('1 cancelled event').click();
    await p.getByRole('link', { name: 'Called-off picnic' }).waitFor();

    await p.getByRole('button', { name: 'Music' }).click();
    await p.waitForURL(/\?category=music$/);
    await p.getByRole('button', { name: 'Week' }).click();
    await p.waitForURL(/\?category=music&view=week$/);
    await p.reload();
    await p.getByRole('heading', { name: /Week of/ }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'Music', exact: true }).getAttribute('aria-pressed'), 'true');
    // Today is marked, and days already gone are not shown.
    await p.getByText('Today', { exact: true }).waitFor();
    const today = new Date().toLocaleDateString('en-CA');
    const shownDays = await p.locator('.week-day').count();
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
    assert.equal(shownDays, 7 - weekday);
    await p.screenshot({ path: path.join(shots, 'trust-week-desktop.png'), fullPage: true });
    await p.goBack();
    await p.waitForURL(/\?category=music$/);
    await p.getByRole('button', { name: 'List' }).and(p.locator('[aria-pressed="true"]')).waitFor();
    await p.goBack();
    await p.waitForURL(`${t.baseUrl}/`);
    await p.getByRole('link', { name: 'Supercalifragilisticexpialidocious lecture' }).waitFor();

    // A click anywhere on the card (here its bottom-right corner) opens the event.
    const card = p.locator(`.days [data-event-id="${ids.gig!.id}"]`);
    const box = (await card.boundingBox())!;
    await p.mouse.click(box.x + box.width - 8, box.y + box.height - 8);
    await p.waitForURL(new RegExp(`/events/${ids.gig!.slug}$`));
    await p.close();
  });

  it('looks right in dark mode on a phone and a desktop', async () => {
    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const p = await page(viewport, 'dark');
      await p.goto(`${t.baseUrl}/me`);
      await p.getByRole('heading', { name: 'My events', level: 1 }).waitFor();
      await p.getByRole('button', { name: 'Connect a calendar' }).click();
      await p.screenshot({ path: path.join(shots, `trust-me-dark-${name}.png`), fullPage: true });
      await p.goto(`${t.baseUrl}/?view=week`);
      await p.getByRole('heading', { name: /Week of/ }).waitFor();
      await p.screenshot({ path: path.join(shots, `trust-week-dark-${name}.png`), fullPage: true });
      await p.close();
    }
  });
});
