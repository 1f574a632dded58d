import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FeedRef, FeedService } from '../../app/feeds.ts';
import { sendCacheable } from '../cacheable.ts';
import { contentDisposition } from '../content-disposition.ts';
import { problem, sendProblem } from '../problem.ts';

export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';
// Public feeds: shared caches may keep a copy for five minutes; clients poll far less often.
const PUBLIC_FEED_CACHE = 'public, max-age=300';

export interface FeedRoutesDeps {
  feeds: FeedService;
  onFeedResponse?: (feedKind: string, status: number) => void;
}

const feedResponses = {
  200: { description: 'The feed (text/calendar).', type: 'string' },
  304: { description: 'Not modified.', type: 'null' },
  404: { $ref: 'Problem#' },
};

export async function feedRoutes(app: FastifyInstance, deps: FeedRoutesDeps): Promise<void> {
  async function serve(request: FastifyRequest, reply: FastifyReply, kind: string, ref: FeedRef, filename: string) {
    const v = await deps.feeds.validators(ref);
    if (!v) return sendProblem(reply, problem(404, 'no such feed'));
    const result = await sendCacheable(request, reply, {
      etag: v.etag,
      lastModified: v.lastModified,
      cacheControl: PUBLIC_FEED_CACHE,
      contentType: CALENDAR_CONTENT_TYPE,
      // inline: Google's "From URL" import has failed on attachment feeds.
      contentDisposition: contentDisposition('inline', filename),
      async load(coding) {
        const feed = await deps.feeds.current(v);
        return { etag: feed.etag, lastModified: feed.lastModified, body: await feed.body(coding) };
      },
    });
    deps.onFeedResponse?.(kind, reply.statusCode);
    return result;
  }

  app.get(
    '/feeds/all.ics',
    { schema: { tags: ['feeds'], summary: 'Subscription feed of all events', response: feedResponses } },
    (request, reply) => serve(request, reply, 'all', deps.feeds.refs.all(), 'all-events.ics'),
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
    (request, reply) => serve(request, reply, 'category', deps.feeds.refs.category(request.params.slug), `${request.params.slug}.ics`),
  );
}
