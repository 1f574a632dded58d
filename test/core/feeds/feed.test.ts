import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DAY_MS, feedEtag, feedLastModified, feedRefs, feedWindow, type FeedState } from '../../../src/core/feeds/feed.ts';

// A feed's version is (revision, UTC day, settings): clients polling all day get 304s, and
// they get new bytes when an event changes, the window moves at midnight, or config changes.

const POLICY = { pastDays: 30, futureDays: 365, cancelledRetentionDays: 30 };
const DAY = Date.parse('2026-11-24T00:00:00Z');
const state: FeedState = { feedKey: 'all', revision: 7, changedAt: Date.parse('2026-11-20T08:09:10.456Z') };
const SETTINGS = 'https://cal.example.test|Calendar Club|30/365/30';

describe('feedWindow', () => {
  it('covers 30 days back to the end of the 365th day ahead, cancelled events for 30 days', () => {
    const w = feedWindow(POLICY, DAY + 5 * 3_600_000);
    assert.equal(w.day, DAY);
    assert.equal(new Date(w.from).toISOString(), '2026-10-25T00:00:00.000Z');
    assert.equal(new Date(w.to).toISOString(), '2027-11-25T00:00:00.000Z');
    assert.equal(new Date(w.cancelledSince).toISOString(), '2026-10-25T00:00:00.000Z');
  });

  it('is the same all UTC day long, on any node', () => {
    const first = feedWindow(POLICY, DAY);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DAY_MS - 1 }), (offset) => {
        assert.deepEqual(feedWindow(POLICY, DAY + offset), first);
      }),
    );
    assert.deepEqual(feedWindow(POLICY, DAY + DAY_MS - 1), first, 'last millisecond of the day');
  });

  it('moves by exactly one day at midnight UTC', () => {
    const before = feedWindow(POLICY, DAY - 1);
    const after = feedWindow(POLICY, DAY);
    assert.equal(after.day - before.day, DAY_MS);
    assert.equal(after.from - before.from, DAY_MS);
    assert.equal(after.to - before.to, DAY_MS);
    assert.equal(after.cancelledSince - before.cancelledSince, DAY_MS);
  });

  it('follows the configured policy', () => {
    const w = feedWindow({ pastDays: 0, futureDays: 0, cancelledRetentionDays: 0 }, DAY + 1);
    assert.deepEqual([w.from, w.to, w.cancelledSince], [DAY, DAY + DAY_MS, DAY]);
  });
});

describe('feedEtag', () => {
  const tag = (over: Partial<FeedState> = {}, now = DAY + 1000, settings = SETTINGS) =>
    feedEtag({ ...state, ...over }, feedWindow(POLICY, now), settings);

  it('is a quoted strong validator (no W/ prefix) of safe characters', () => {
    assert.match(tag(), /^"[A-Za-z0-9_-]{27}"$/);
  });

  it('stays the same all day for the same revision, so revalidation answers 304', () => {
    assert.equal(tag({}, DAY), tag({}, DAY + DAY_MS - 1));
    assert.equal(tag({ changedAt: state.changedAt + 1 }), tag(), 'the revision decides, not the clock');
  });

  it('changes with the revision, the day, the settings and the feed', () => {
    const tags = [
      tag(),
      tag({ revision: 8 }),
      tag({}, DAY + DAY_MS),
      tag({}, DAY + 1000, SETTINGS + '!'),
      tag({ feedKey: feedRefs.category('jazz').key }),
      tag({ feedKey: feedRefs.personal('v1').key }),
    ];
    assert.equal(new Set(tags).size, tags.length, tags.join(' '));
  });

  it('does not confuse fields whose concatenation is the same', () => {
    assert.notEqual(tag({ feedKey: 'category:a', revision: 11 }), tag({ feedKey: 'category:a1', revision: 1 }));
  });
});

describe('feedLastModified', () => {
  it('is the last change, in whole seconds rounded down (HTTP dates have no milliseconds)', () => {
    const w = feedWindow(POLICY, DAY + 1000);
    assert.equal(new Date(feedLastModified(state, w)).toISOString(), '2026-11-24T00:00:00.000Z', 'not before the window day');
    const recent = { ...state, changedAt: DAY + 3_723_999 };
    assert.equal(new Date(feedLastModified(recent, w)).toISOString(), '2026-11-24T01:02:03.000Z');
    assert.equal(feedLastModified(recent, w) % 1000, 0);
  });

  it('moves forward at midnight, because the window (and so the content) moved', () => {
    const today = feedLastModified(state, feedWindow(POLICY, DAY));
    const tomorrow = feedLastModified(state, feedWindow(POLICY, DAY + DAY_MS));
    assert.equal(tomorrow - today, DAY_MS);
  });
});

describe('feed keys', () => {
  it('gives each feed its own key', () => {
    assert.equal(feedRefs.all().key, 'all');
    assert.deepEqual(feedRefs.category('jazz'), { kind: 'category', key: 'category:jazz', slug: 'jazz' });
    assert.deepEqual(feedRefs.personal('v1'), { kind: 'personal', key: 'personal:v1', visitorId: 'v1' });
  });
});
