import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addToCalendarLinks, addToCalendarUrl, MAX_URL_LENGTH, type AddTarget } from '../../../src/core/links/index.ts';
import { ctx, event, query } from './helpers.ts';

// Per target: the parameter names holding title, description and location.
const FIELDS: Record<Exclude<AddTarget, 'ics'>, { title: string; details: string; location: string }> = {
  google: { title: 'text', details: 'details', location: 'location' },
  outlook: { title: 'subject', details: 'body', location: 'location' },
  office365: { title: 'subject', details: 'body', location: 'location' },
  yahoo: { title: 'title', details: 'desc', location: 'in_loc' },
};
const TARGETS = Object.keys(FIELDS) as (keyof typeof FIELDS)[];
const PAGE_SUFFIX = `\n\n${ctx.eventPageUrl}`;

const hostile = {
  title: `She said "hi" & <script>alert('x')</script> #1 + 2 = 3% 🎉 مرحبا بالعالم`,
  description: `Line one\nLine "two" & <b>bold</b>\r\n#hash +plus 100% ?q=a&b=c\n👨‍👩‍👧‍👦 עברית RTL\u202Eoverride`,
  location: 'Café "Zur Post" & Bar #3 + Hof, Straße 5/7 ?',
};

describe('hostile text is always encoded and decodes back', () => {
  for (const allDay of [false, true]) {
    it(`${allDay ? 'all-day' : 'timed'} event`, () => {
      const e = event({
        ...hostile,
        start: allDay ? '2026-05-01' : '2026-05-01T18:00',
        end: allDay ? '2026-05-02' : '2026-05-01T19:00',
        allDay,
        timezone: 'Europe/Berlin',
      });
      for (const target of TARGETS) {
        const url = addToCalendarUrl(target, e, ctx);
        const { raw, value } = query(url); // also asserts every value is encodeURIComponent output
        const names = FIELDS[target];
        assert.equal(value.get(names.title), hostile.title, target);
        assert.equal(value.get(names.details), hostile.description + PAGE_SUFFIX, target);
        assert.equal(value.get(names.location), hostile.location, target);
        // Spaces are %20, never the form-encoding `+` (which would decode to a literal plus).
        assert.ok(raw.get(names.title)!.includes('%20'), target);
        assert.ok(!url.includes('+') && !url.includes(' ') && !url.includes('#') && !url.includes('"'), target);
        // WHATWG URL parsing agrees with our reading of the query.
        assert.equal(new URL(url).searchParams.get(names.title), hostile.title, target);
        assert.equal(new URL(url).searchParams.get(names.details), hostile.description + PAGE_SUFFIX, target);
      }
    });
  }

  it('replaces a lone surrogate instead of throwing (defence in depth: validation refuses them)', () => {
    const valid = event({ title: 'Fine', description: 'fine', start: '2026-05-01T18:00', end: '2026-05-01T19:00', timezone: 'Asia/Tokyo' });
    const e = { ...valid, title: 'Broken \uD800 text', description: 'tail \uDC00' };
    for (const target of TARGETS) {
      const { value } = query(addToCalendarUrl(target, e, ctx));
      assert.equal(value.get(FIELDS[target].title), 'Broken \uFFFD text');
      assert.equal(value.get(FIELDS[target].details), `tail \uFFFD${PAGE_SUFFIX}`);
    }
  });

  it('leaves out location when there is none and sends only the page URL without a description', () => {
    const e = event({ title: 'Bare', start: '2026-05-01T18:00', end: '2026-05-01T19:00', timezone: 'America/New_York' });
    for (const target of TARGETS) {
      const { value } = query(addToCalendarUrl(target, e, ctx));
      assert.equal(value.has(FIELDS[target].location), false, target);
      assert.equal(value.get(FIELDS[target].details), ctx.eventPageUrl, target);
    }
  });
});

/** Checks the length budget and returns the description part (before the page URL) per target. */
function checkedDescriptions(e: ReturnType<typeof event>): Map<string, string> {
  const out = new Map<string, string>();
  for (const link of addToCalendarLinks(e, ctx)) {
    assert.ok(link.url.length < MAX_URL_LENGTH, `${link.target}: ${link.url.length} characters`);
    assert.doesNotThrow(() => decodeURIComponent(link.url), link.target);
    if (link.target === 'ics') continue;
    const details = query(link.url).value.get(FIELDS[link.target].details)!;
    assert.ok(details === ctx.eventPageUrl || details.endsWith(PAGE_SUFFIX), `${link.target}: event page URL kept`);
    out.set(link.target, details === ctx.eventPageUrl ? '' : details.slice(0, -PAGE_SUFFIX.length));
  }
  return out;
}

describe('URLs stay under 2,000 characters', () => {
  const base = { title: 'Long read', location: 'Hall A', start: '2026-05-01T18:00', end: '2026-05-01T19:00', timezone: 'Australia/Sydney' };

  it('shortens a huge description at a character boundary, ends it with "…" and keeps the page URL', () => {
    const description = 'Ä & 🎉 100% <b>x</b> «ок» '.repeat(400).slice(0, 8000);
    const e = event({ ...base, description });
    for (const [target, cut] of checkedDescriptions(e)) {
      assert.ok(cut.endsWith('…'), target);
      assert.ok(cut.length > 100, `${target}: keeps as much as fits (${cut.length})`);
      assert.ok(description.startsWith(cut.slice(0, -1)), `${target}: a prefix of the original`);
      const { value } = query(addToCalendarUrl(target as AddTarget, e, ctx));
      assert.equal(value.get(FIELDS[target as keyof typeof FIELDS].title), base.title, 'title untouched');
      assert.equal(value.get(FIELDS[target as keyof typeof FIELDS].location), base.location, 'location untouched');
    }
  });

  it('never splits an emoji sequence or a combining mark', () => {
    const family = '👨‍👩‍👧‍👦'; // seven code points, one character on screen
    for (const unit of [family, 'e\u0301', '🇩🇪']) {
      const e = event({ ...base, description: unit.repeat(Math.floor(7000 / unit.length)) });
      for (const [target, cut] of checkedDescriptions(e)) {
        const kept = cut.slice(0, -1);
        assert.ok(cut.endsWith('…') && kept.length > 0, target);
        assert.equal(kept.length % unit.length, 0, `${target}: whole ${JSON.stringify(unit)} units only`);
        assert.equal(kept, unit.repeat(kept.length / unit.length));
      }
    }
  });

  it('does not touch a description that fits', () => {
    const description = 'Short enough.\nSecond line.';
    for (const [target, kept] of checkedDescriptions(event({ ...base, description }))) assert.equal(kept, description, target);
  });

  it('shortens location and title too when even an empty description is not enough', () => {
    const e = event({ ...base, title: '🎉'.repeat(200), location: '🏟️'.repeat(250), description: 'x'.repeat(8000) });
    checkedDescriptions(e);
    for (const target of TARGETS) {
      const { value } = query(addToCalendarUrl(target, e, ctx));
      const title = value.get(FIELDS[target].title)!;
      assert.match(title, /^(🎉)+…$/u, `${target}: a shortened title survives`);
      assert.equal(value.get(FIELDS[target].details), ctx.eventPageUrl, target);
      assert.equal(value.has(FIELDS[target].location), false, `${target}: location given up before the title`);
    }
  });

  it('holds for every all-day target as well', () => {
    const e = event({ ...base, start: '2026-05-01', end: '2026-05-04', allDay: true, description: '"&#+<>\n'.repeat(1100) });
    for (const cut of checkedDescriptions(e).values()) assert.ok(cut.endsWith('…'));
  });
});
