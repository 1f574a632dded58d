import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEventPatch, cancelEvent, createEvent, newEventUid } from '../../../src/core/events/rules.ts';
import { EventValidationError } from '../../../src/core/events/errors.ts';
import { SEQUENCED_FIELDS, type EventFields } from '../../../src/core/events/event.ts';

// One test per rule of PRODUCT.md "Rules of the domain".

const NOW = Date.parse('2026-11-24T10:00:00Z');
const base = () =>
  createEvent(
    { title: 'Jazz', description: 'd', location: 'l', url: 'https://x.test/', categories: ['Music'], start: '2026-12-03T19:30', end: '2026-12-03T22:00', timezone: 'Europe/Berlin' },
    'cal.example.test',
    NOW,
  );

function fieldErrors(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof EventValidationError, String(error));
    return error.errors.map((e) => e.field);
  }
  assert.fail('expected a validation error');
}

describe('UID', () => {
  it('is a UUID (hex) at the UID domain, unique, at most 255 octets, without personal data', () => {
    const uids = new Set(Array.from({ length: 1000 }, () => newEventUid('cal.example.test')));
    assert.equal(uids.size, 1000);
    for (const uid of uids) {
      assert.match(uid, /^[0-9a-f]{32}@cal\.example\.test$/);
      assert.ok(Buffer.byteLength(uid) <= 255);
    }
    const e = createEvent({ title: 'Nina Okafor birthday', start: '2026-12-03T19:30', end: '2026-12-03T22:00', timezone: 'UTC' }, 'cal.example.test', NOW);
    assert.doesNotMatch(e.uid, /nina|okafor|birthday|20261203/i);
  });

  it('is different for two events with identical fields', () => {
    assert.notEqual(base().uid, base().uid);
  });

  it('never changes, whatever changes', () => {
    const e = base();
    const changed = applyEventPatch(e, { title: 'New', start: '2026-12-04T19:30', end: '2026-12-04T22:00', timezone: 'Asia/Tokyo' }, NOW + 1000);
    assert.equal(changed.event.uid, e.uid);
    assert.equal(cancelEvent(changed.event, NOW + 2000).event.uid, e.uid);
  });
});

describe('SEQUENCE', () => {
  it('starts at 0', () => assert.equal(base().sequence, 0));

  const patches: Record<(typeof SEQUENCED_FIELDS)[number], Partial<EventFields>> = {
    start: { start: '2026-12-03T19:00' },
    end: { end: '2026-12-03T23:00' },
    timezone: { timezone: 'Europe/Paris' },
    allDay: { allDay: true, start: '2026-12-03', end: '2026-12-04' },
    title: { title: 'Jazz (moved)' },
    description: { description: 'new description' },
    location: { location: 'elsewhere' },
    status: { status: 'tentative' },
  };
  for (const field of SEQUENCED_FIELDS) {
    it(`goes up by one when ${field} changes`, () => {
      const { event, changed } = applyEventPatch(base(), patches[field], NOW + 1000);
      assert.ok(changed.includes(field));
      assert.equal(event.sequence, 1);
    });
  }

  it('goes up by exactly one when several significant fields change at once', () => {
    assert.equal(applyEventPatch(base(), { title: 'A', location: 'B', description: 'C' }, NOW + 1000).event.sequence, 1);
    const all = applyEventPatch(
      base(),
      { title: 'A', description: null, location: null, status: 'tentative', timezone: 'Asia/Tokyo', allDay: true, start: '2026-12-04', end: '2026-12-06', url: null, categories: [] },
      NOW + 1000,
    );
    assert.deepEqual([...all.changed].sort(), [...SEQUENCED_FIELDS, 'url', 'categories'].sort());
    assert.equal(all.event.sequence, 1);
  });

  it('does not move when a value is only spelled differently (alias zone, seconds, spaces)', () => {
    const ny = createEvent({ title: 'Jazz', start: '2026-12-03T19:30', end: '2026-12-03T22:00', timezone: 'America/New_York' }, 'd', NOW);
    const same = applyEventPatch(ny, { timezone: 'US/Eastern', start: '2026-12-03T19:30:00', title: '  Jazz ' }, NOW + 1000);
    assert.deepEqual(same.changed, []);
    assert.equal(same.event.sequence, 0);
    assert.equal(same.event.updatedAt, NOW);
  });

  it('does not move for url or categories, nor for a patch that changes nothing', () => {
    const e = base();
    const url = applyEventPatch(e, { url: 'https://y.test/' }, NOW + 1000);
    assert.equal(url.event.sequence, 0);
    assert.deepEqual(url.changed, ['url']);
    assert.equal(applyEventPatch(e, { categories: ['Jazz'] }, NOW + 1000).event.sequence, 0);
    const same = applyEventPatch(e, { title: 'Jazz', start: '2026-12-03T19:30:00' }, NOW + 1000);
    assert.deepEqual(same.changed, []);
    assert.equal(same.event, e, 'nothing to save');
  });
});

describe('DTSTAMP / LAST-MODIFIED (updatedAt)', () => {
  it('is the time of the last change in the store, strictly increasing, and never moves without a change', () => {
    const e = base();
    assert.equal(e.updatedAt, NOW);
    const a = applyEventPatch(e, { url: null }, NOW - 5000).event; // a clock that went backwards
    // The next whole second: Last-Modified travels in seconds, a same-second change would hide.
    assert.equal(a.updatedAt, Math.floor(NOW / 1000) * 1000 + 1000);
    const b = applyEventPatch(a, { title: 'x' }, NOW + 60_000).event;
    assert.equal(b.updatedAt, NOW + 60_000);
    assert.equal(applyEventPatch(b, {}, NOW + 120_000).event.updatedAt, NOW + 60_000);
  });
});

describe('cancellation', () => {
  it('sets STATUS:CANCELLED with SEQUENCE+1 and records when; cancelling again changes nothing', () => {
    const { event, changed } = cancelEvent(base(), NOW + 1000);
    assert.deepEqual(changed, ['status']);
    assert.equal(event.status, 'cancelled');
    assert.equal(event.sequence, 1);
    assert.equal(event.cancelledAt, NOW + 1000);
    assert.equal(event.updatedAt, NOW + 1000, 'DTSTAMP moves so subscribers pick it up');
    assert.deepEqual(cancelEvent(event, NOW + 2000).changed, []);
    assert.equal(cancelEvent(event, NOW + 2000).event.sequence, 1, 'cancelling twice is not a second revision');
  });

  it('can be undone by setting a status again (SEQUENCE moves again)', () => {
    const cancelled = cancelEvent(base(), NOW + 1000).event;
    const back = applyEventPatch(cancelled, { status: 'confirmed' }, NOW + 2000).event;
    assert.equal(back.sequence, 2);
    assert.equal(back.cancelledAt, null);
  });

  it('cannot be the status of a new event', () => {
    assert.deepEqual(fieldErrors(() => createEvent({ title: 'x', start: '2026-12-03T19:30', end: '2026-12-03T22:00', timezone: 'UTC', status: 'cancelled' }, 'd', NOW)), ['status']);
  });
});

describe('time', () => {
  it('derives instants from wall clock and zone; aliases are stored canonically', () => {
    const e = createEvent({ title: 'x', start: '2026-07-01T09:00', end: '2026-07-01T10:00', timezone: 'US/Eastern' }, 'd', NOW);
    assert.equal(e.timezone, 'America/New_York');
    assert.equal(new Date(e.startUtc).toISOString(), '2026-07-01T13:00:00.000Z');
  });

  it('takes all-day dates in the event zone with an exclusive end', () => {
    const e = createEvent({ title: 'x', allDay: true, start: '2026-12-31', end: '2027-01-01', timezone: 'Pacific/Auckland' }, 'd', NOW);
    assert.equal(new Date(e.startUtc).toISOString(), '2026-12-30T11:00:00.000Z');
    assert.equal(e.endUtc - e.startUtc, 86_400_000);
  });

  it('refuses a start or end inside a DST gap, naming the gap, and takes the first of a repeated time', () => {
    const gap = () => createEvent({ title: 'x', start: '2026-03-29T02:30', end: '2026-03-29T04:00', timezone: 'Europe/Berlin' }, 'd', NOW);
    assert.throws(gap, (e: EventValidationError) => e.errors[0]!.field === 'start' && /2026-03-29T02:30 does not exist in Europe\/Berlin.*skip forward 1 hour/.test(e.errors[0]!.message));
    const end = () => createEvent({ title: 'x', start: '2026-03-29T01:00', end: '2026-03-29T02:15', timezone: 'Europe/Berlin' }, 'd', NOW);
    assert.throws(end, (e: EventValidationError) => e.errors[0]!.field === 'end');
    const twice = createEvent({ title: 'x', start: '2026-10-25T02:30', end: '2026-10-25T04:00', timezone: 'Europe/Berlin' }, 'd', NOW);
    assert.equal(new Date(twice.startUtc).toISOString(), '2026-10-25T00:30:00.000Z'); // 02:30 CEST, the first
  });
});

describe('validation', () => {
  const ok = { title: 'x', start: '2026-12-03T19:30', end: '2026-12-03T22:00', timezone: 'UTC' };
  const make = (over: object) => () => createEvent({ ...ok, ...over } as typeof ok, 'd', NOW);
  it('names the field for every broken rule', () => {
    assert.deepEqual(fieldErrors(make({ title: '  ' })), ['title']);
    assert.deepEqual(fieldErrors(make({ title: 'a\r\nATTENDEE:x' })), ['title']);
    assert.deepEqual(fieldErrors(make({ end: '2026-12-03T19:30' })), ['end']);
    assert.deepEqual(fieldErrors(make({ timezone: 'Mars/Base' })), ['timezone']);
    assert.deepEqual(fieldErrors(make({ url: 'javascript:alert(1)' })), ['url']);
    assert.deepEqual(fieldErrors(make({ url: 'ftp://x.test/' })), ['url']);
    assert.deepEqual(fieldErrors(make({ title: 'x'.repeat(201) })), ['title']);
    assert.deepEqual(fieldErrors(make({ allDay: true })), ['start', 'end']);
    assert.deepEqual(fieldErrors(make({ allDay: true, start: '2026-12-03', end: '2026-12-03' })), ['end']);
    assert.deepEqual(fieldErrors(make({ start: '2026-02-30T10:00' })), ['start']);
    assert.deepEqual(fieldErrors(make({ location: 'a\nb' })), ['location']);
  });

  it('refuses oversized fields, counting characters (not UTF-16 units) up to the limit', () => {
    assert.deepEqual(fieldErrors(make({ description: 'x'.repeat(8001) })), ['description']);
    assert.deepEqual(fieldErrors(make({ location: 'x'.repeat(501) })), ['location']);
    assert.deepEqual(fieldErrors(make({ url: 'https://x.test/' + 'a'.repeat(2000) })), ['url']);
    assert.deepEqual(fieldErrors(make({ categories: ['x'.repeat(61)] })), ['categories/0']);
    assert.deepEqual(fieldErrors(make({ categories: Array.from({ length: 11 }, (_, i) => `c${i}`) })), ['categories']);
    const atLimit = createEvent({ ...ok, title: '🎷'.repeat(200), description: 'x'.repeat(8000), location: '日'.repeat(500) }, 'd', NOW);
    assert.equal([...atLimit.title].length, 200);
  });

  it('refuses every kind of line break or control character in a title', () => {
    for (const title of ['a\rb', 'a\nb', 'a\u2028b', 'a\u0000b', 'a\tb', 'a\u007fb']) {
      assert.ok(fieldErrors(make({ title })).includes('title'), JSON.stringify(title));
    }
    assert.deepEqual(fieldErrors(make({ title: 'a\ud800b' })), ['title'], 'a lone surrogate is not text');
  });

  it('refuses an end before the start, and times that do not exist', () => {
    assert.deepEqual(fieldErrors(make({ end: '2026-12-03T19:29' })), ['end']);
    assert.deepEqual(fieldErrors(make({ allDay: true, start: '2026-12-03', end: '2026-12-01' })), ['end']);
    assert.deepEqual(fieldErrors(make({ allDay: true, start: '2026-02-30', end: '2026-03-02' })), ['start']);
    assert.deepEqual(fieldErrors(make({ start: '2026-12-03T25:00' })), ['start']);
    assert.deepEqual(fieldErrors(make({ start: 'tomorrow', end: 'later' })), ['start', 'end']);
  });

  it('accepts only IANA zones it can write a VTIMEZONE for', () => {
    for (const timezone of ['Europe/Berlinn', '', '+01:00', 'CEST', 'europe/berlin']) {
      assert.deepEqual(fieldErrors(make({ timezone })), ['timezone'], timezone);
    }
    assert.equal(createEvent({ ...ok, timezone: 'Asia/Calcutta' }, 'd', NOW).timezone, 'Asia/Kolkata');
    assert.equal(createEvent({ ...ok, timezone: 'Europe/Kiev' }, 'd', NOW).timezone, 'Europe/Kyiv');
  });

  it('accepts http and https URLs only', () => {
    for (const url of ['data:text/html,x', 'mailto:a@b.test', 'https://', 'example.com', 'https://x.test/a b']) {
      assert.deepEqual(fieldErrors(make({ url })), ['url'], url);
    }
    assert.equal(createEvent({ ...ok, url: 'http://x.test/a?b=c' }, 'd', NOW).url, 'http://x.test/a?b=c');
  });

  it('leaves the stored event untouched when a patch is refused', () => {
    const e = base();
    const before = structuredClone(e);
    assert.deepEqual(fieldErrors(() => applyEventPatch(e, { title: '', end: '2026-12-03T19:00' }, NOW + 1000)), ['title', 'end']);
    assert.deepEqual(e, before);
  });

  it('de-duplicates categories by slug and keeps the first spelling', () => {
    const e = createEvent({ ...ok, categories: ['Jazz', ' jazz ', 'JAZZ', 'Café', 'cafe'] }, 'd', NOW);
    assert.deepEqual(e.categories, ['Jazz', 'Café']);
  });
});
