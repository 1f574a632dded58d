import { createHash } from 'node:crypto';
import { RENDERER_VERSION } from '../ics/calendar.ts';
import { utcDayStart } from '../time/local-time.ts';

// What a feed holds and how its version is known without reading its events.
//
// A feed's content is a function of (its stored revision, the day it is rendered on): the
// revision moves in the same transaction as any change to one of its events, and the day
// decides which events fall inside the window. So the ETag is derived from those two alone,
// and a conditional request is answered from one primary-key read.

export const DAY_MS = 86_400_000;

export interface FeedPolicy {
  pastDays: number;
  futureDays: number;
  cancelledRetentionDays: number;
}

export interface FeedWindow {
  /** Events that end after this instant are in (epoch ms). */
  from: number;
  /** Events that start before this instant are in. */
  to: number;
  /** Cancelled events stay while cancelled at or after this instant. */
  cancelledSince: number;
  /** Midnight UTC of the day the window was computed for. */
  day: number;
}

export const allFeedKey = (): string => 'all';
export const categoryFeedKey = (slug: string): string => `category:${slug}`;
export const personalFeedKey = (visitorId: string): string => `personal:${visitorId}`;

/** Which feed: every feed has a key (its row in the version table) and a way to select events. */
export type FeedRef =
  | { kind: 'all'; key: string }
  | { kind: 'category'; key: string; slug: string }
  | { kind: 'personal'; key: string; visitorId: string };

export const feedRefs = {
  all: (): FeedRef => ({ kind: 'all', key: allFeedKey() }),
  category: (slug: string): FeedRef => ({ kind: 'category', key: categoryFeedKey(slug), slug }),
  personal: (visitorId: string): FeedRef => ({ kind: 'personal', key: personalFeedKey(visitorId), visitorId }),
};

/** The window for the UTC day holding `now`: the same all day long, on every node. */
export function feedWindow(policy: FeedPolicy, now: number): FeedWindow {
  const day = utcDayStart(now);
  return {
    day,
    from: day - policy.pastDays * DAY_MS,
    to: day + (policy.futureDays + 1) * DAY_MS,
    cancelledSince: day - policy.cancelledRetentionDays * DAY_MS,
  };
}

export interface FeedState {
  feedKey: string;
  revision: number;
  /** Epoch ms of the last change to any event of the feed. */
  changedAt: number;
}

/**
 * The strong validator for a feed's identity representation. `settings` holds everything
 * outside the store that shapes the bytes (public URL, names, policy) so a configuration change
 * is a new version too.
 */
export function feedEtag(state: FeedState, window: FeedWindow, settings: string): string {
  const hash = createHash('sha256')
    .update(`${RENDERER_VERSION}\n${settings}\n${state.feedKey}\n${state.revision}\n${window.day}`)
    .digest('base64url')
    .slice(0, 27);
  return `"${hash}"`;
}

/** Last-Modified: the later of the last change and the start of the window's day, whole seconds. */
export function feedLastModified(state: FeedState, window: FeedWindow): number {
  return Math.floor(Math.max(state.changedAt, window.day) / 1000) * 1000;
}
