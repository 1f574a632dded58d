/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser, type Page } from '../helpers/browser.ts';
import type { BrowserContext } from 'playwright-core';

// Issue 11, "Done when": axe finds nothing on any page, on a phone and a desktop, in light and
// dark mode, and every page has a screenshot to check by eye (test-artifacts/screenshots/
// a11y-<page>-<size>-<scheme>.png). axe is injected as an inline script, which the pages' CSP
// forbids, so the test contexts bypass CSP; the app's policy itself is untouched.

const shots = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;
const LONG_LOCATION = 'Hauptstraße-Hinterhof-Werkstatt-Gebäude-C-Eingang-über-den-Parkplatz-neben-der-Bäckerei-Nummer-123456789';

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

describe('accessibility of every page (axe, phone and desktop, light and dark)', { skip: browserSkip() }, () => {
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
    await make('talk', {
      title: 'Supercalifragilisticexpialidocious lecture on calendars',
      description: 'How feeds reach your phone.\nSlides at https://slides.example/feeds?talk=1 after the talk.',
      location: LONG_LOCATION,
      url: 'https://talks.example/calendars',
      categories: ['Talks'],
      start: `${day(1)}T18:00`,
      end: `${day(1)}T19:30`,
      timezone: 'Europe/Berlin',
    });
    await make('gig', { title: 'Harbour gig', location: 'Pier 4', categories: ['Music'], start: `${day(2)}T20:00`, end: `${day(2)}T22:00`, timezone: 'Asia/Tokyo' });
    await make('market', { title: 'Spring market', categories: ['Markets'], start: day(3), end: day(4), allDay: true, timezone: 'Europe/Berlin' });
    await make('gone', { title: 'Called-off picnic', location: 'Stadtpark', categories: ['Music'], start: `${day(4)}T12:00`, end: `${day(4)}T14:00`, timezone: 'UTC' });
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/events/${ids.gone!.id}/cancel`, headers: t.auth, payload: { note: 'Storm warning; see you at the harbour gig instead.' } });
    assert.equal(cancel.statusCode, 200, cancel.body);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Axe's violations on the page as it is now (rule, impact and every node's target and summary). */
  async function axe(p: Page): Promise<Violation[]> {
    if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ path: AXE });
    return p.evaluate(async (tags) => {
      const w = window as unknown as { axe: { run(ctx: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } };
      const result = await w.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: JSON.stringify(n.target), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
      }));
    }, TAGS);
  }

  const describeViolations = (found: Record<string, Violation[]>) =>
    Object.entries(found)
      .flatMap(([where, list]) => list.flatMap((v) => [`${where}: ${v.id} (${v.impact}) ${v.help}`, ...v.nodes.map((n) => `    ${n.target}: ${n.summary}`)]))
      .join('\n');

  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${size}, ${scheme}: axe finds nothing on any page`, async () => {
        const context: BrowserContext = await browser.newContext({ viewport, colorScheme: scheme, bypassCSP: true, locale: 'en-US', timezoneId: 'America/New_York', reducedMotion: 'reduce' });
        // Nothing may leave the machine (map links, calendar sites).
        await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>external</p>' }));
        const p = await context.newPage();
        const found: Record<string, Violation[]> = {};
        const small: string[] = [];
        // A modal dialog's backdrop covers the viewport only: its screenshot is of the viewport.
        const check = async (name: string, { fullPage = true } = {}) => {
          await p.waitForLoadState('networkidle');
          const violations = await axe(p);
          if (violations.length > 0) found[name] = violations;
          await p.screenshot({ path: path.join(shots, `a11y-${name}-${size}-${scheme}.png`), fullPage });
          // Buttons and nav links under 44 px tall are hard to hit on a phone.
          const tiny = await p
            .locator('button:visible, nav a:visible, a.button:visible, [role="menuitem"]:visible, summary:visible')
            .evaluateAll((els) => els.map((e) => ({ name: (e.getAttribute('aria-label') ?? e.textContent ?? '').trim(), h: e.getBoundingClientRect().height })).filter((b) => b.h > 0 && b.h < 44));
          small.push(...tiny.map((b) => `${name}: “${b.name}” is ${Math.round(b.h)} px tall`));
          const wide = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(wide <= 0, `${name}: the page scrolls sideways by ${wide} px`);
        };
        try {
          // Home, list and week (the view lives in the URL).
          await p.goto(`${t.baseUrl}/`);
          await p.getByRole('link', { name: 'Harbour gig' }).waitFor();
          await check('home-list');
          await p.getByRole('button', { name: 'Subscribe to all events' }).click();
          await p.getByRole('dialog', { name: /Subscribe to/ }).waitFor();
          await check('subscribe-dialog', { fullPage: false });
          await p.keyboard.press('Escape');
          await p.goto(`${t.baseUrl}/?view=week`);
          await p.getByRole('heading', { name: /Week of/ }).waitFor();
          await check('home-week');

          // An event with a long location, a link and a description; its add-to-calendar menu.
          await p.goto(`${t.baseUrl}/events/${ids.talk!.slug}`);
          await p.getByRole('heading', { level: 1, name: /Supercalifragilisticexpialidocious/ }).waitFor();
          await check('event');
          await p.getByRole('button', { name: 'Add to calendar' }).click();
          await p.getByRole('menu').waitFor();
          await check('add-menu');
          await p.goto(`${t.baseUrl}/events/${ids.market!.slug}`);
          await p.getByRole('heading', { level: 1, name: 'Spring market' }).waitFor();
          await check('event-all-day');
          await p.goto(`${t.baseUrl}/events/${ids.gone!.slug}`);
          await p.getByTestId('cancelled').waitFor();
          await check('event-cancelled');

          // My events with a saved event and the personal feed on.
          const saveAndFeed = await p.evaluate(async (id) => {
            const saved = await fetch(`/api/v1/me/saved/${encodeURIComponent(id)}`, { method: 'POST' });
            const feed = await fetch('/api/v1/me/feed-token/rotate', { method: 'POST' });
            return [saved.status, feed.status];
          }, ids.gig!.id);
          assert.ok(saveAndFeed.every((s) => s < 300), `saving and the feed answered ${saveAndFeed}`);
          await p.goto(`${t.baseUrl}/me`);
          await p.getByLabel('Your feed address').waitFor();
          await p.getByRole('link', { name: 'Harbour gig' }).waitFor();
          await check('me');

          // The organizer: sign-in, then (signed in) the list, a new event and an edit.
          await p.goto(`${t.baseUrl}/organizer`);
          await p.getByLabel('Admin token').waitFor();
          await check('organizer-sign-in');
          const session = await context.request.post(`${t.baseUrl}/api/v1/admin/session`, { headers: t.auth });
          assert.equal(session.status(), 204);
          await p.goto(`${t.baseUrl}/organizer`);
          await p.getByRole('list', { name: 'All events' }).waitFor();
          await check('organizer');
          await p.getByRole('button', { name: 'New event' }).click();
          await p.getByRole('button', { name: 'Create event' }).waitFor();
          await check('organizer-new');
          await p.getByRole('button', { name: 'All events' }).click();
          await p.getByRole('button', { name: 'Edit Harbour gig' }).click();
          await p.getByRole('button', { name: 'Save changes' }).waitFor();
          await check('organizer-edit');

          // Our 404 page and the widget demo.
          await p.goto(`${t.baseUrl}/no/such/page`);
          await p.getByRole('heading', { name: 'There is no such page' }).waitFor();
          await check('404');
          await p.goto(`${t.baseUrl}/widget/demo`);
          await p.locator('calendar-club-add').getByRole('button').waitFor();
          await check('widget-demo');
          await p.locator('calendar-club-add').getByRole('button').click();
          await p.locator('calendar-club-add').getByRole('menuitem').first().waitFor();
          await check('widget-menu');
        } finally {
          await context.close();
        }
        if (small.length > 0) console.log(`${size} ${scheme}: controls under 44 px\n${small.join('\n')}`);
        assert.deepEqual(found, {}, `axe found violations (${size}, ${scheme}):\n${describeViolations(found)}`);
        if (size === 'phone') assert.deepEqual(small, [], 'controls under 44 px on a phone');
      });
    }
  }
});
