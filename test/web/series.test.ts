/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser, type Page } from '../helpers/browser.ts';

// A weekly series made the way an organizer makes it: in the form, with the preview of its
// dates; reloaded and edited without its zone or times moving; one date cancelled; then seen
// by everyone as "Every Tuesday …" on the home card and as its coming dates on its page.

const shots = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const ZONE = 'America/New_York';
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
];

/** The Tuesday at least `minDays` days from now, as `YYYY-MM-DD` (UTC calendar is close enough: a week's margin). */
function tuesdayAfter(minDays: number): string {
  const d = new Date(Date.now() + minDays * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((2 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
}
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const shortDate = (day: string) => new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

describe('a recurring series in Chromium', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let browser: Browser;

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    t = await startTestServer(testEngines[0]!);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function page(viewport: { width: number; height: number }): Promise<Page> {
    // The organizer's browser is in Berlin; the series is in New York: nothing may take the browser's zone.
    const p = await browser.newPage({ viewport, locale: 'en-US', timezoneId: 'Europe/Berlin' });
    await p.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>external</p>' }));
    return p;
  }

  for (const [i, viewport] of VIEWPORTS.entries()) {
    it(`is created, previewed, edited and shown on ${viewport.name}`, async () => {
      const title = `Tuesday jam ${viewport.name}`;
      const first = tuesdayAfter(3 + i * 7);
      const p = await page(viewport);
      await p.goto(`${t.baseUrl}/organizer`);
      await p.getByLabel('Admin token').fill(t.auth.authorization.slice('Bearer '.length));
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('button', { name: 'New event' }).click();
      await p.getByLabel('Title').fill(title);
      await p.getByLabel('Starts', { exact: true }).fill(`${first}T19:00`);
      await p.getByLabel('Ends', { exact: true }).fill(`${first}T21:00`);
      await p.getByLabel('Time zone').selectOption(ZONE);

      // Repeats: weekly on the start's day (Tuesday), 6 times; the preview says so before saving.
      await p.getByRole('combobox', { name: 'Repeats' }).selectOption('weekly');
      assert.equal(await p.getByRole('checkbox', { name: 'Tue' }).isChecked(), true, 'the start’s weekday is ticked');
      await p.getByLabel('Number of times').fill('6');
      const preview = p.getByTestId('repeat-preview');
      const expected = `Every Tuesday, 6 times. Next dates: ${[0, 7, 14, 21, 28].map((n) => shortDate(addDays(first, n))).join('; ')}, …, each at 7:00 PM.`;
      await p.waitForFunction((text) => document.querySelector('[data-testid="repeat-preview"]')?.textContent === text, expected);
      assert.equal(await preview.innerText(), expected);
      // An element shot: a full-page one resizes the viewport and left the next click landing beside the button.
      await p.locator('fieldset.repeat').screenshot({ path: path.join(shots, `series-form-${viewport.name}.png`) });
      await p.getByRole('button', { name: 'Create event' }).click();
      await p.getByText(`Saved “${title}” (version 0).`).waitFor();

      // Reload and edit: the form shows the rule, the zone and the times as saved.
      await p.reload();
      await p.getByRole('button', { name: `Edit ${title}` }).click();
      assert.equal(await p.getByRole('combobox', { name: 'Repeats' }).inputValue(), 'weekly');
      assert.equal(await p.getByLabel('Number of times').inputValue(), '6');
      assert.equal(await p.getByLabel('Starts', { exact: true }).inputValue(), `${first}T19:00`);
      assert.equal(await p.getByLabel('Ends', { exact: true }).inputValue(), `${first}T21:00`);
      assert.equal(await p.getByLabel('Time zone').inputValue(), ZONE);
      await p.getByLabel('Location').fill('Kai 3');
      await p.getByRole('button', { name: 'Save changes' }).click();
      await p.getByText(`Saved “${title}” (version`).waitFor();
      assert.equal(await p.getByLabel('Starts', { exact: true }).inputValue(), `${first}T19:00`, 'the start did not move');
      assert.equal(await p.getByLabel('Time zone').inputValue(), ZONE, 'the zone did not move');
      assert.equal(await p.getByRole('combobox', { name: 'Repeats' }).inputValue(), 'weekly');

      // Cancel the second date only, from the organizer's list of dates.
      const dates = p.getByTestId('organizer-dates');
      await dates.getByRole('button', { name: new RegExp(`^Cancel ${shortDate(addDays(first, 7)).replace(/ /g, ',? ')}`) }).click();
      await p.getByRole('button', { name: 'Yes, cancel this date' }).click();
      await p.getByText(/only; the other dates stay\./).first().waitFor();
      await dates.locator('li.cancelled').waitFor();
      assert.equal(await dates.locator('li').count(), 6);
      await p.close();

      // The home card: the next date and "Every Tuesday, 6 times".
      const home = await page(viewport);
      await home.goto(`${t.baseUrl}/`);
      const card = home.locator('article.card', { has: home.getByRole('link', { name: title }) });
      await card.waitFor();
      assert.equal(await card.getByTestId('repeats').innerText(), '↻ Every Tuesday, 6 times');
      // The series' own time first, then the viewer's (Berlin); five or six hours apart depending on the DST weeks.
      assert.match(await card.locator('.time').innerText(), /^7:00 PM E[DS]T · (1|12):00 AM your time$/);
      await home.screenshot({ path: path.join(shots, `series-home-${viewport.name}.png`), fullPage: true });

      // The event page: the coming dates, the cancelled one marked; the menu says what each calendar keeps.
      await card.getByRole('link', { name: title }).click();
      await home.getByRole('heading', { name: title }).waitFor();
      assert.equal(await home.getByTestId('repeats').innerText(), 'Every Tuesday, 6 times');
      const coming = home.getByTestId('coming-dates').locator('li');
      await coming.first().waitFor();
      assert.equal(await coming.count(), 6);
      assert.match(await coming.nth(0).innerText(), new RegExp(`^${shortDate(first).split(' ')[0]}.*7:00 – 9:00 PM E[DS]T$`));
      assert.match(await coming.nth(1).innerText(), /Cancelled$/);
      assert.doesNotMatch(await coming.nth(2).innerText(), /Cancelled/);
      await home.getByRole('button', { name: /Add to calendar/ }).click();
      assert.equal(await home.getByRole('menuitem', { name: /Outlook\.com/ }).innerText(), 'Outlook.com (first date only)');
      assert.equal(await home.getByRole('menuitem', { name: /Google Calendar/ }).innerText(), 'Google Calendar (every date)');
      await home.screenshot({ path: path.join(shots, `series-event-${viewport.name}.png`), fullPage: true });
      await home.close();

      // What was stored: the organizer's zone, times and rule, untouched by the edit.
      const stored = (await t.app.inject({ url: `/api/v1/events?from=${first}&limit=200` })).json().items.find((e: { title: string }) => e.title === title);
      assert.deepEqual([stored.start, stored.end, stored.timezone, stored.rrule], [`${first}T19:00:00`, `${first}T21:00:00`, ZONE, 'FREQ=WEEKLY;COUNT=6;BYDAY=TU']);
    });
  }
});
