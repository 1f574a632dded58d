import { renderCalendarBytes, type CachedVevent, type RenderMemory, type VeventCache } from '../core/ics/calendar.ts';
import {
  feedRefs,
  feedEtag,
  feedLastModified,
  feedWindow,
  type FeedPolicy,
  type FeedRef,
  type FeedState,
} from '../core/feeds/feed.ts';
import type { FeedRepository } from '../infra/db/feed-repository.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { FeedChanges } from '../infra/db/feed-changes.ts';
import { BoundedCache } from './bounded-cache.ts';
import { createFeedVersions } from './feed-versions.ts';

import { encode, type Coding } from './compression.ts';

export type { Coding };

export type { FeedRef };

/** What a conditional request needs, known from one primary-key read before any rendering. */
export interface FeedValidators {
  ref: FeedRef;
  state: FeedState;
  etag: string;
  lastModified: number;
  /** Last-Modified as HTTP writes it. */
  lastModifiedHttp: string;
  /**
   * From memory, not read for this request: a client holding a validator that does not match
   * may hold a newer version this process has not heard of yet (see `validators`).
   */
  fromMemory: boolean;
}

/** One rendered feed version. Compressed forms are made once, on first demand, then kept. */
export interface RenderedFeed {
  etag: string;
  lastModified: number;
  body(coding: Coding): Promise<Buffer>;
  /** The body in `coding` if it is made already (identity always is). */
  ready(coding: Coding): Buffer | undefined;
}

export interface FeedServiceOptions {
  feeds: FeedRepository;
  events: EventRepository;
  /** Tells when a feed's version moves, so versions can be held in memory. */
  changes: FeedChanges;
  policy: FeedPolicy;
  calendarName: string;
  refreshMinutes: number;
  productId: string;
  /** Everything in the configuration that shapes the bytes; part of every ETag. */
  settingsFingerprint: string;
  clock?: () => number;
  onRender?: (seconds: number, eventCount: number) => void;
  /** Upper bound on cached bytes, all versions and codings together. */
  cacheBytes?: number;
  /** Upper bound on the encoded VEVENTs kept for the next render (bytes, roughly), and on the feeds' last renders. */
  veventCacheBytes?: number;
}

export type FeedService = ReturnType<typeof createFeedService>;

export function createFeedService(o: FeedServiceOptions) {
  const clock = o.clock ?? Date.now;
  const cache = new BoundedCache<RenderedFeed>(o.cacheBytes ?? 256 * 1024 * 1024);
  // One render in flight per feed; concurrent misses wait for it instead of rendering again.
  const inFlight = new Map<string, Promise<RenderedFeed | null>>();
  // Each event's VEVENT bytes per version, shared by every feed holding it: after one edit the
  // next render serializes that one event and concatenates the rest.
  const veventBytes = new BoundedCache<CachedVevent>(o.veventCacheBytes ?? 64 * 1024 * 1024);
  const vevents: VeventCache = {
    get: (id) => veventBytes.get(id),
    set: (id, entry) => veventBytes.set(id, entry, entry.bytes.length + 128), // + what the entry itself costs
  };
  // Each feed's last render (its body and where each event lies in it): the next render copies
  // the unchanged byte ranges. Sized by the body, which the render cache mostly holds anyway.
  const lastRenders = new BoundedCache<RenderMemory>(o.veventCacheBytes ?? 64 * 1024 * 1024);
  const versions = createFeedVersions({ read: (key) => o.feeds.state(key), changes: o.changes });
  // Validators of a version, per window day: computed once, not per request.
  const computed = new WeakMap<FeedState, { day: number; memory: FeedValidators; read: FeedValidators }>();

  function validatorsOf(ref: FeedRef, state: FeedState, fromMemory: boolean): FeedValidators {
    const window = feedWindow(o.policy, clock());
    let c = computed.get(state);
    if (!c || c.day !== window.day) {
      const lastModified = feedLastModified(state, window);
      const v = { ref, state, etag: feedEtag(state, window, o.settingsFingerprint), lastModified, lastModifiedHttp: new Date(lastModified).toUTCString() };
      c = { day: window.day, memory: { ...v, fromMemory: true }, read: { ...v, fromMemory: false } };
      computed.set(state, c);
    }
    return fromMemory ? c.memory : c.read;
  }

  function cached(etag: string, lastModified: number, identity: Buffer): RenderedFeed {
    const bodies = new Map<Coding, Promise<Buffer>>([['identity', Promise.resolve(identity)]]);
    const made = new Map<Coding, Buffer>([['identity', identity]]);
    const feed: RenderedFeed = {
      etag,
      lastModified,
      body(coding) {
        let body = bodies.get(coding);
        if (!body) {
          body = encode(coding, identity);
          bodies.set(coding, body);
          body.then(
            (b) => (made.set(coding, b), cache.grow(etag, b.length)),
            () => bodies.delete(coding),
          );
        }
        return body;
      },
      ready: (coding) => made.get(coding),
    };
    cache.set(etag, feed, identity.length);
    return feed;
  }

  async function render(ref: FeedRef): Promise<RenderedFeed | null> {
    const started = performance.now();
    const window = feedWindow(o.policy, clock());
    const snapshot = await o.feeds.snapshot(ref, window);
    if (!snapshot) return null;
    const etag = feedEtag(snapshot.state, window, o.settingsFingerprint);
    const already = cache.get(etag);
    if (already) return already;
    const name = await feedName(ref);
    const memory = lastRenders.get(ref.key) ?? {};
    const body = renderCalendarBytes({ productId: o.productId, name, refreshMinutes: o.refreshMinutes }, snapshot.events, vevents, memory);
    lastRenders.set(ref.key, memory, body.length + snapshot.events.length * 64);
    const feed = cached(etag, feedLastModified(snapshot.state, window), body);
    o.onRender?.((performance.now() - started) / 1000, snapshot.events.length);
    return feed;
  }

  async function feedName(ref: FeedRef): Promise<string> {
    if (ref.kind === 'all') return o.calendarName;
    if (ref.kind === 'personal') return `${o.calendarName} - My events`;
    const categories = await o.events.listCategories();
    return `${o.calendarName} - ${categories.find((c) => c.slug === ref.slug)?.name ?? ref.slug}`;
  }

  return {
    refs: feedRefs,

    /**
     * Null for an unknown feed. Reads no events; from memory when the version is held there,
     * or with `fresh`, always from the database (one primary-key read).
     */
    async validators(ref: FeedRef, fresh = false): Promise<FeedValidators | null> {
      const held = fresh ? undefined : versions.held(ref.key);
      if (held) return validatorsOf(ref, held, true);
      const state = await versions.read(ref.key);
      return state ? validatorsOf(ref, state, false) : null;
    },

    /** The validators of the version held in memory, if one is (no read; see `validators`). */
    heldValidators(ref: FeedRef): FeedValidators | undefined {
      const held = versions.held(ref.key);
      return held && validatorsOf(ref, held, true);
    },

    /** The body of the version `v` names in `coding`, if it is rendered and encoded already. */
    readyBody(v: FeedValidators, coding: Coding): Buffer | undefined {
      return cache.get(v.etag)?.ready(coding);
    },

    /**
     * The representation of the version `v` names, from cache or rendered once. If the store
     * moved on meanwhile, the newer version is served with its own validators, never a mix.
     */
    async current(v: FeedValidators): Promise<RenderedFeed> {
      const hit = cache.get(v.etag);
      if (hit) return hit;
      let pending = inFlight.get(v.ref.key);
      if (!pending) {
        pending = render(v.ref).finally(() => inFlight.delete(v.ref.key));
        inFlight.set(v.ref.key, pending);
      }
      const feed = await pending;
      if (!feed) throw new Error(`feed ${v.ref.key} vanished while rendering`);
      return feed;
    },

    /**
     * Drops every version held in memory: after a change made through this process it shows in
     * this process's feeds at once, not only when the database's notification comes back.
     */
    forgetHeldVersions: () => versions.forgetAll(),

    /** For tests and metrics: bytes held by the render cache. */
    cachedBytes: () => cache.size,
  };
}
