import { createHash, randomBytes } from 'node:crypto';
import type { CalendarEvent } from '../core/events/event.ts';
import { FEED_CLIENT_INFO, FEED_CLIENTS, type FeedClient } from '../core/feeds/clients.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { VisitorRepository } from '../infra/db/visitor-repository.ts';
import { NotFoundError } from './errors.ts';

/** Saving a cancelled event would put a dead item in the person's calendar. */
export class EventCancelledError extends Error {
  readonly code = 'event_cancelled';
}

// 256 random bits, URL-safe; only its SHA-256 is stored, so a database leak reveals no feed URL.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function newVisitorId(): string {
  return randomBytes(16).toString('base64url');
}

export interface VisitorUseCasesDeps {
  visitors: VisitorRepository;
  events: EventRepository;
  clock?: () => number;
}

export type VisitorUseCases = ReturnType<typeof createVisitorUseCases>;

export function createVisitorUseCases(deps: VisitorUseCasesDeps) {
  const clock = deps.clock ?? Date.now;

  async function savableEvent(idOrSlug: string): Promise<CalendarEvent> {
    const event = await deps.events.findByIdOrSlug(idOrSlug);
    if (!event) throw new NotFoundError(`no event "${idOrSlug}"`);
    return event;
  }

  return {
    /** The visitor a session names, or a new anonymous one when it names nobody. */
    async ensure(visitorId: string | null): Promise<{ id: string; created: boolean }> {
      if (visitorId && (await deps.visitors.find(visitorId))) return { id: visitorId, created: false };
      const id = newVisitorId();
      await deps.visitors.create(id, clock());
      return { id, created: true };
    },

    async save(visitorId: string, idOrSlug: string): Promise<{ event: CalendarEvent; added: boolean }> {
      const event = await savableEvent(idOrSlug);
      if (event.status === 'cancelled') throw new EventCancelledError(`"${event.title}" is cancelled; it cannot be saved`);
      return { event, added: await deps.visitors.save(visitorId, event.id, clock()) };
    },

    async unsave(visitorId: string, idOrSlug: string): Promise<void> {
      const event = await savableEvent(idOrSlug);
      await deps.visitors.unsave(visitorId, event.id, clock());
    },

    saved: (visitorId: string) => deps.visitors.savedEvents(visitorId),

    /** A new personal feed token; the old one stops working at once. Returned only here. */
    async rotateFeedToken(visitorId: string): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      await deps.visitors.setFeedTokenHash(visitorId, hashToken(token), clock());
      return token;
    },

    revokeFeedToken: (visitorId: string) => deps.visitors.setFeedTokenHash(visitorId, null, clock()),

    /** The visitor a feed token belongs to; malformed tokens are refused without a query. */
    async visitorForFeedToken(token: string): Promise<string | null> {
      if (!TOKEN_PATTERN.test(token)) return null;
      return deps.visitors.visitorByFeedTokenHash(hashToken(token));
    },

    recordFeedFetch: (visitorId: string, client: FeedClient, status: number) =>
      deps.visitors.recordFeedFetch(visitorId, client, status, clock()),

    async summary(visitorId: string) {
      const [visitor, savedEventIds, clients] = await Promise.all([
        deps.visitors.find(visitorId),
        deps.visitors.savedEventIds(visitorId),
        deps.visitors.feedClients(visitorId),
      ]);
      return {
        savedEventIds,
        personalFeed: {
          active: visitor?.feedTokenCreatedAt != null,
          createdAt: visitor?.feedTokenCreatedAt != null ? new Date(visitor.feedTokenCreatedAt).toISOString() : null,
        },
        feedHealth: clients.map((c) => {
          const client = (FEED_CLIENTS as readonly string[]).includes(c.client) ? (c.client as FeedClient) : 'other';
          return {
            client,
            ...FEED_CLIENT_INFO[client],
            lastFetchAt: new Date(c.lastFetchAt).toISOString(),
            lastStatus: c.lastStatus,
            fetchCount: c.fetchCount,
          };
        }),
      };
    },
  };
}
