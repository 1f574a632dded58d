import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { EventUseCases } from '../../app/events.ts';
import type { CalendarEvent } from '../../core/events/event.ts';
import {
  ADD_TARGETS,
  addToCalendarLinks,
  addToCalendarUrl,
  deviceFromUserAgent,
  orderAddLinks,
  subscribeLinks,
  type AddTarget,
} from '../../core/links/index.ts';
import { AddLinksJson, FeedLinksJson } from '../schemas/links.ts';
import { problem, sendProblem } from '../problem.ts';
import { eventPageUrl } from './events.ts';

export interface LinkRoutesDeps {
  events: EventUseCases;
  listCategories(): Promise<{ slug: string; name: string }[]>;
  publicUrl: string;
  calendarName: string;
  onAdd?: (target: AddTarget) => void;
  /** A series' next date for targets that take one date (the app's clock). */
  clock?: () => number;
}

const tags = ['links'];

/**
 * Add-to-calendar and subscribe links, built on the server so every page, the widget and
 * other sites use the same templates; `/go/…` redirects so templates can change in one place
 * and adds are counted.
 */
export async function linkRoutes(app: FastifyInstance, deps: LinkRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = (e: CalendarEvent) => ({
    eventPageUrl: eventPageUrl(e, deps.publicUrl),
    icsUrl: `${deps.publicUrl}/events/${encodeURIComponent(e.slug)}.ics`,
    now: (deps.clock ?? Date.now)(),
  });

  r.get(
    '/api/v1/events/:id/links',
    {
      schema: {
        tags,
        summary: 'Add-to-calendar links for one event (CORS: any origin, for the embeddable button)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 200: AddLinksJson, 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      // Ordered for the device (Apple first on iPhone and Mac), so caches keep one copy per UA.
      reply.header('Access-Control-Allow-Origin', '*').header('Cache-Control', 'public, max-age=60').header('Vary', 'User-Agent');
      const event = await deps.events.get(request.params.id);
      return {
        event: { id: event.id, slug: event.slug, title: event.title, status: event.status },
        add: orderAddLinks(addToCalendarLinks(event, ctx(event)), deviceFromUserAgent(request.headers['user-agent'])).map((link) => ({
          ...link,
          goUrl: `${deps.publicUrl}/go/${link.target}/events/${encodeURIComponent(event.id)}`,
        })),
      };
    },
  );

  r.get(
    '/go/:target/events/:id',
    {
      schema: {
        tags,
        summary: 'Redirect to one add-to-calendar target (counted in /metrics)',
        params: Type.Object({ target: Type.String({ maxLength: 20 }), id: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 302: Type.Null(), 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const target = request.params.target as AddTarget;
      if (!(ADD_TARGETS as readonly string[]).includes(target)) {
        return sendProblem(reply, problem(404, `no calendar target "${request.params.target}"; use one of ${ADD_TARGETS.join(', ')}`));
      }
      const event = await deps.events.get(request.params.id);
      deps.onAdd?.(target);
      return reply.header('Cache-Control', 'no-store').redirect(addToCalendarUrl(target, event, ctx(event)), 302);
    },
  );

  r.get(
    '/api/v1/categories',
    {
      schema: {
        tags,
        summary: 'Categories that have (or had) events',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ slug: Type.String(), name: Type.String() })) }) },
      },
    },
    async () => ({ items: await deps.listCategories() }),
  );

  r.get(
    '/api/v1/feeds',
    {
      schema: {
        tags,
        summary: 'Public feeds with subscribe links ordered for the requesting device',
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), links: FeedLinksJson })) }),
        },
      },
    },
    async (request, reply) => {
      const device = deviceFromUserAgent(request.headers['user-agent']);
      reply.header('Vary', 'User-Agent').header('Cache-Control', 'private, max-age=60');
      const categories = await deps.listCategories();
      const feed = (key: string, name: string, path: string) => ({ key, name, links: subscribeLinks(`${deps.publicUrl}${path}`, name, device) });
      return {
        items: [
          feed('all', deps.calendarName, '/feeds/all.ics'),
          ...categories.map((c) => feed(`category:${c.slug}`, `${deps.calendarName} - ${c.name}`, `/feeds/categories/${c.slug}.ics`)),
        ],
      };
    },
  );
}
