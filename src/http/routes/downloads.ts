import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { EventUseCases } from '../../app/events.ts';
import { encode } from '../../app/compression.ts';
import { renderCalendar, RENDERER_VERSION } from '../../core/ics/calendar.ts';
import { sendCacheable } from '../cacheable.ts';
import { contentDisposition } from '../content-disposition.ts';
import { CALENDAR_CONTENT_TYPE } from './feeds.ts';

export interface DownloadRoutesDeps {
  events: EventUseCases;
  productId: string;
  calendarName: string;
  settingsFingerprint: string;
}

export async function downloadRoutes(app: FastifyInstance, deps: DownloadRoutesDeps): Promise<void> {
  app.get<{ Params: { id: string } }>(
    '/events/:id.ics',
    {
      schema: {
        tags: ['downloads'],
        summary: 'Download one event as an .ics file (by id or slug)',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 120 } }, required: ['id'] },
        response: { 200: { description: 'text/calendar attachment', type: 'string' }, 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const event = await deps.events.get(request.params.id);
      const version = `${RENDERER_VERSION}\n${deps.settingsFingerprint}\n${event.id}\n${event.updatedAt}`;
      const etag = `"${createHash('sha256').update(version).digest('base64url').slice(0, 27)}"`;
      const lastModified = Math.floor(event.updatedAt / 1000) * 1000;
      return sendCacheable(request, reply, {
        etag,
        lastModified,
        cacheControl: 'public, no-cache',
        contentType: CALENDAR_CONTENT_TYPE,
        contentDisposition: contentDisposition('attachment', `${event.title}.ics`),
        async load(coding) {
          const text = renderCalendar({ productId: deps.productId, name: deps.calendarName }, [event]);
          return { etag, lastModified, body: await encode(coding, Buffer.from(text, 'utf8')) };
        },
      });
    },
  );
}
