import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FeedRef, FeedService } from '../../app/feeds.ts';
import type { VisitorUseCases } from '../../app/visitors.ts';
import { feedClientFromUserAgent } from '../../core/feeds/clients.ts';
import { sendCacheable } from '../cacheable.ts';
import { isNotModified, type ConditionalHeaders } from '../conditional.ts';
import { contentDisposition } from '../content-disposition.ts';
import { PUBLIC_FEED_CACHE } from '../feed-fast-path.ts';
import { problem, sendProblem } from '../problem.ts';

export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';
// Public feeds: shared caches may keep a copy five minutes; clients poll far less often anyway.
// (Their 304s for a version held in memory are mostly answered before Fastify: feed-fast-path.ts.)
// Personal feeds: only the subscriber's own client may keep a copy, and it must revalidate.
const PERSONAL_FEED_CACHE = 'private, no-cache';

export interface FeedRoutesDeps {
  feeds: FeedService;
  visitors: VisitorUseCases;
  log: FastifyBaseLogger;
  /** Counts a guessed (unknown) personal feed token: null, or ms to wait when the client guessed too many. */
  onUnknownToken?: (request: FastifyRequest) => Promise<number | null>;
  onFeedResponse?: (feedKind: string, status: number) => void;
}

const feedResponses = {
  200: { description: 'The feed (text/calendar).', type: 'string' },
  304: { description: 'Not modified.', type: 'null' },
  404: { $ref: 'Problem#' },
};

const conditionalOf = (request: FastifyRequest): ConditionalHeaders => ({
  method: request.method,
  ifNoneMatch: request.headers['if-none-match'],
  ifModifiedSince: request.headers['if-modified-since'],
});
const hasValidators = (request: FastifyRequest) => request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined;

export async function feedRoutes(app: FastifyInstance, deps: FeedRoutesDeps): Promise<void> {
  /**
   * A feed is a snapshot: an error page or an empty 200 would make clients delete events. When
   * the store cannot answer, say "try again later" (503 + Retry-After) instead.
   */
  async function serve(request: FastifyRequest, reply: FastifyReply, ref: FeedRef, filename: string, cacheControl: string) {
    try {
      return await serveFeed(request, reply, ref, filename, cacheControl);
    } catch (err) {
      deps.log.error({ err, feed: ref.kind }, 'feed could not be served');
      deps.onFeedResponse?.(ref.kind, 503);
      reply.removeHeader('ETag').removeHeader('Last-Modified').header('Retry-After', '120').header('Cache-Control', 'no-store');
      return sendProblem(reply, problem(503, 'the feed is temporarily unavailable; try again in a few minutes'));
    }
  }

  async function serveFeed(request: FastifyRequest, reply: FastifyReply, ref: FeedRef, filename: string, cacheControl: string) {
    let v = await deps.feeds.validators(ref);
    if (v?.fromMemory && hasValidators(request) && !isNotModified(conditionalOf(request), v.etag, v.lastModified)) {
      // The client's copy is not the version held here, and it may be the newer one: an edit
      // made through another process whose notification is still on its way. Read the version
      // before answering with a body, so no client is ever sent back to older content.
      v = await deps.feeds.validators(ref, true);
    }
    if (!v) return sendProblem(reply, problem(404, 'no such feed'));
    const result = await sendCacheable(request, reply, {
      etag: v.etag,
      lastModified: v.lastModified,
      cacheControl,
      contentType: CALENDAR_CONTENT_TYPE,
      // inline: Google's "From URL" import has failed on attachment feeds.
      contentDisposition: contentDisposition('inline', filename),
      async load(coding) {
        const feed = await deps.feeds.current(v);
        return { etag: feed.etag, lastModified: feed.lastModified, body: await feed.body(coding) };
      },
    });
    deps.onFeedResponse?.(ref.kind, reply.statusCode);
    return result;
  }

  app.get(
    '/feeds/all.ics',
    { schema: { tags: ['feeds'], summary: 'Subscription feed of all events', response: feedResponses } },
    (request, reply) => serve(request, reply, deps.feeds.refs.all(), 'all-events.ics', PUBLIC_FEED_CACHE),
  );

  app.get<{ Params: { slug: string } }>(
    '/feeds/categories/:slug.ics',
    {
      schema: {
        tags: ['feeds'],
        summary: 'Subscription feed of one category',
        params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } }, required: ['slug'] },
        response: feedResponses,
      },
    },
    (request, reply) =>
      serve(request, reply, deps.feeds.refs.category(request.params.slug), `${request.params.slug}.ics`, PUBLIC_FEED_CACHE),
  );

  app.get<{ Params: { token: string } }>(
    '/feeds/personal/:token.ics',
    {
      schema: {
        tags: ['feeds'],
        summary: "A visitor's saved events (secret token URL from POST /api/v1/me/feed-token/rotate)",
        params: { type: 'object', properties: { token: { type: 'string', maxLength: 100 } }, required: ['token'] },
        response: { ...feedResponses, 429: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = await deps.visitors.visitorForFeedToken(request.params.token);
      if (!visitorId) {
        reply.header('Cache-Control', 'no-store');
        const waitMs = await deps.onUnknownToken?.(request);
        if (waitMs != null) {
          reply.header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
          return sendProblem(reply, problem(429, 'too many unknown feed addresses from this address; try again later'));
        }
        return sendProblem(reply, problem(404, 'no such feed'));
      }
      const result = await serve(request, reply, deps.feeds.refs.personal(visitorId), 'my-events.ics', PERSONAL_FEED_CACHE);
      // Feed health: who fetched and what they got. No IP address, and never in the way of the answer.
      const client = feedClientFromUserAgent(request.headers['user-agent']);
      deps.visitors
        .recordFeedFetch(visitorId, client, reply.statusCode)
        .catch((err: unknown) => deps.log.warn({ err }, 'could not record a feed fetch'));
      return result;
    },
  );
}
