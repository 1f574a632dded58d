import { createHash, randomBytes } from 'node:crypto';
import type { CalendarEvent } from '../core/events/event.ts';
import { FEED_CLIENT_INFO, FEED_CLIENTS, type FeedClient } from '../core/feeds/clients.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { VisitorRepository } from '../infra/db/visitor-repository.ts';
import { VaultError, type TokenVault } from '../infra/crypto/token-vault.ts';
import { NotFoundError } from './errors.ts';

/** Saving a cancelled event would put a dead item in the person's calendar. */
export class EventCancelledError extends Error {
  readonly code = 'event_cancelled';
}

// 256 random bits, URL-safe; looked up by its SHA-256 and kept sealed with the token vault, so a
// database leak reveals no feed URL while My events can still show the address again.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function newVisitorId(): string {
  return randomBytes(16).toString('base64url');
}

export interface VisitorUseCasesDeps {
  visitors: VisitorRepository;
  events: EventRepository;
  /** Seals the feed token so its address can be shown again; without it only the hash is kept. */
  vault?: Pick<TokenVault, 'seal' | 'open'>;
  clock?: () => number;
}

/** The personal feed address as it can be shown now. */
export type PersonalFeedToken = { state: 'none' } | { state: 'sealed'; token: string } | { state: 'unrecoverable' };

// The sealed token is bound to its own hash, so it opens only beside the hash it belongs to
// (and still opens after the row moves to another visitor when two devices merge).
const feedTokenAad = (hash: string) => `personal-feed:${hash}`;

export type VisitorUseCases = ReturnType<typeof createVisitorUseCases>;

export function createVisitorUseCases(deps: VisitorUseCasesDeps) {
  const clock = deps.clock ?? Date.now;

  async function savableEvent(idOrSlug: string): Promise<CalendarEvent> {
    const event = await deps.events.findByIdOrSlug(idOrSlug);
    if (!event) throw new NotFoundError(`no event "${idOrSlug}"`);
    return event;
  }

  // Per visitor and client kind: the write of its latest fetch still under way.
  const feedFetchWrites = new Map<string, Promise<void>>();
  return {
    /**
     * Before a write: the visitor a (signed) session names, or a new anonymous one when there is
     * no session; stored from this first write on. `created`: a new id the session must remember.
     * Reads store nothing: a session may name an id not stored (yet, or no more).
     */
    async ensure(visitorId: string | null): Promise<{ id: string; created: boolean }> {
      const id = visitorId ?? newVisitorId();
      await deps.visitors.touch(id, clock());
      return { id, created: visitorId === null };
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

    /** A new personal feed token; the old one stops working at once. */
    async rotateFeedToken(visitorId: string): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      const hash = hashToken(token);
      await deps.visitors.setFeedTokenHash(visitorId, hash, clock(), deps.vault?.seal(token, feedTokenAad(hash)) ?? null);
      return token;
    },

    /** The current feed token, opened from its sealed copy; feeds older than sealing cannot be shown. */
    async feedToken(visitorId: string): Promise<PersonalFeedToken> {
      const secrets = await deps.visitors.feedTokenSecrets(visitorId);
      if (!secrets) return { state: 'none' };
      if (!secrets.sealed || !deps.vault) return { state: 'unrecoverable' };
      try {
        return { state: 'sealed', token: deps.vault.open(secrets.sealed, feedTokenAad(secrets.hash)) };
      } catch (err) {
        // Its key was retired from the key list: the address still works but can no longer be shown.
        if (err instanceof VaultError && err.code === 'unknown_key') return { state: 'unrecoverable' };
        throw err;
      }
    },

    revokeFeedToken: (visitorId: string) => deps.visitors.setFeedTokenHash(visitorId, null, clock()),

    /** The visitor a feed token belongs to; malformed tokens are refused without a query. */
    async visitorForFeedToken(token: string): Promise<string | null> {
      if (!TOKEN_PATTERN.test(token)) return null;
      return deps.visitors.visitorByFeedTokenHash(hashToken(token));
    },

    /**
     * Feed health is written after the answer, without waiting; one client's fetches are
     * written one after another, so a 200 written late never overwrites the 304 that followed
     * it as the "last status" (CI met that reorder on PostgreSQL).
     */
    recordFeedFetch(visitorId: string, client: FeedClient, status: number): Promise<void> {
      const key = `${visitorId} ${client}`;
      const at = clock();
      const write = (feedFetchWrites.get(key) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => deps.visitors.recordFeedFetch(visitorId, client, status, at));
      feedFetchWrites.set(key, write);
      const forget = () => {
        if (feedFetchWrites.get(key) === write) feedFetchWrites.delete(key);
      };
      write.then(forget, forget);
      return write;
    },

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
