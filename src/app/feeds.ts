import { renderCalendarBytes } from '../core/ics/calendar.ts';
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
import { BoundedCache } from './bounded-cache.ts';

import { encode, type Coding } from './compression.ts';

export type { Coding };

export type { FeedRef };

/** What a conditional request needs, known from one primary-key read before any rendering. */
export interface FeedValidators {
  ref: FeedRef;
  state: FeedState;
  etag: string;
  lastModified: number;
}

/** One rendered feed version. Compressed forms are made once, on first demand, then kept. */
export interface RenderedFeed {
  etag: string;
  lastModified: number;
  body(coding: Coding): Promise<Buffer>;
}

export interface FeedServiceOptions {
  feeds: FeedRepository;
  events: EventRepository;
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
}

export type FeedService = ReturnType<typeof createFeedService>;

export function createFeedService(o: FeedServiceOptions) {
  const clock = o.clock ?? Date.now;
  const cache = new BoundedCache<RenderedFeed>(o.cacheBytes ?? 256 * 1024 * 1024);
  // One render in flight per feed; concurrent misses wait for it instead of rendering again.
  const inFlight = new Map<string, Promise<RenderedFeed | null>>();

  function cached(etag: string, lastModified: number, identity: Buffer): RenderedFeed {
    const bodies = new Map<Coding, Promise<Buffer>>([['identity', Promise.resolve(identity)]]);
    const feed: RenderedFeed = {
      etag,
      lastModified,
      body(coding) {
        let body = bodies.get(coding);
        if (!body) {
          body = encode(coding, identity);
          bodies.set(coding, body);
          body.then(
            (b) => cache.grow(etag, b.length),
            () => bodies.delete(coding),
          );
        }
        return body;
      },
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
    const body = renderCalendarBytes({ productId: o.productId, name, refreshMinutes: o.refreshMinutes }, snapshot.events);
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

    /** Null for an unknown feed. Reads no events. */
    async validators(ref: FeedRef): Promise<FeedValidators | null> {
      const state = await o.feeds.state(ref.key);
      if (!state) return null;
      const window = feedWindow(o.policy, clock());
      return {
        ref,
        state,
        etag: feedEtag(state, window, o.settingsFingerprint),
        lastModified: feedLastModified(state, window),
      };
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

    /** For tests and metrics: bytes held by the render cache. */
    cachedBytes: () => cache.size,
  };
}
