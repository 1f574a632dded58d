/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser } from '../helpers/browser.ts';
import { savedMessage } from '../../src/web/components/saved-message.ts';

// Saving a series saves every date of it; the message after "Save" says so, with how many
// dates are still to come (a cancelled one not counted), where a one-off event's says "Saved".

const ZONE = 'Europe/Berlin';
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('the message after saving a series', () => {
  it('names the whole series and its coming dates, a one-off event as before', () => {
    assert.equal(savedMessage(['Google'], false, 6), 'Saved all 6 coming dates of this series to My events. They are on their way to Google.');
    assert.match(savedMessage([], false, 5), /^Saved all 5 coming dates of this series to My events\. To get them into your calendar/);
    assert.equal(savedMessage(['Google'], false, null), 'Saved this whole series to My events. It is on its way to Google.');
    assert.equal(savedMessage(['Google'], true), 'Saved to My events. It is on its way to Google and your personal feed.');
  });
});

describe('saving a series on its page in Chromium', { skip: browserSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let browser: Browser;

  before(async () => {
    t = await startTestServer(testEngines[0]!);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('says all its coming dates were saved', async () => {
    const first = addDays(new Date().toISOString().slice(0, 10), 3);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Daily stand-up', start: `${first}T09:00`, end: `${first}T09:15`, timezone: ZONE, rrule: 'FREQ=DAILY;COUNT=6' } });
    assert.equal(res.statusCode, 201, res.body);
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/events/${res.json().id}/occurrences/${addDays(first, 2)}T09:00/cancel`, headers: t.auth });
    assert.equal(cancel.statusCode, 200, cancel.body);
    const p = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US', timezoneId: ZONE });
    await p.goto(`${t.baseUrl}/events/${res.json().slug}`);
    await p.getByRole('button', { name: '☆ Save', exact: true }).click();
    await p.getByText(/^Saved all 5 coming dates of this series to My events\./).waitFor();
    await p.close();
  });
});
