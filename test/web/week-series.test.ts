/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser } from '../helpers/browser.ts';

// The week view shows a series on every day of the week that has one of its dates — not only on
// its next date — with a cancelled date left out, each card linking to the event.

const shots = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const ZONE = 'Europe/Berlin';
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
];

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** Monday of next week, as the viewer in ZONE counts weeks. */
function nextMonday(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(today, 7 - weekday);
}
/** The week view's label of a day ("Monday, March 8"). */
const dayLabel = (day: string) => new Intl.DateTimeFormat('en-US', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

describe('a series in the week view in Chromium', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let browser: Browser;
  const monday = nextMonday();
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  let slug = '';

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    t = await startTestServer(testEngines[0]!);
    browser = await launchBrowser();
    const create = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload });
    // Mondays, Wednesdays and Fridays at 19:00 for two weeks; next week's Wednesday is off.
    const res = await create({ title: 'Evening run', start: `${monday}T19:00`, end: `${monday}T20:00`, timezone: ZONE, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6' });
    assert.equal(res.statusCode, 201, res.body);
    slug = res.json().slug;
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/events/${res.json().id}/occurrences/${days[2]}T19:00/cancel`, headers: t.auth });
    assert.equal(cancel.statusCode, 200, cancel.body);
    assert.equal((await create({ title: 'Tuesday talk', start: `${days[1]}T18:00`, end: `${days[1]}T19:00`, timezone: ZONE })).statusCode, 201);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`shows the series on each of its days that week on ${viewport.name}`, async () => {
      const p = await browser.newPage({ viewport, locale: 'en-US', timezoneId: ZONE });
      await p.goto(`${t.baseUrl}/?view=week`);
      await p.getByRole('button', { name: 'Next week' }).click();
      await p.getByRole('heading', { name: `Week of ${dayLabel(monday)}` }).waitFor();
      const titlesOn = async (day: string) => {
        const section = p.locator(`section.week-day[aria-label="${dayLabel(day)}"]`);
        await section.waitFor();
        return section.locator('article.card h3').allInnerTexts();
      };
      await p.locator(`section.week-day[aria-label="${dayLabel(days[4]!)}"] article.card`).first().waitFor();
      assert.deepEqual(await Promise.all(days.map(titlesOn)), [['Evening run'], ['Tuesday talk'], [], [], ['Evening run'], [], []]);
      const friday = p.locator(`section.week-day[aria-label="${dayLabel(days[4]!)}"] article.card`);
      assert.match(await friday.locator('.time').innerText(), /^7:00 – 8:00 PM/, 'the time of that date');
      assert.equal(await friday.getByRole('link', { name: 'Evening run' }).getAttribute('href'), `/events/${slug}`);
      await p.screenshot({ path: path.join(shots, `series-week-${viewport.name}.png`), fullPage: true });

      // The week after: all three days.
      await p.getByRole('button', { name: 'Next week' }).click();
      await p.getByRole('heading', { name: `Week of ${dayLabel(addDays(monday, 7))}` }).waitFor();
      await p.locator(`section.week-day[aria-label="${dayLabel(addDays(monday, 11))}"] article.card`).first().waitFor();
      const later = await Promise.all(Array.from({ length: 7 }, (_, i) => titlesOn(addDays(monday, 7 + i))));
      assert.deepEqual(later, [['Evening run'], [], ['Evening run'], [], ['Evening run'], [], []]);
      await p.close();
    });
  }
});
