import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { CopyRepository } from '../../infra/db/copy-repository.ts';
import type { EventUseCases } from '../../app/events.ts';
import type { CurrentVisitor } from '../plugins/session.ts';

export interface SyncRoutesDeps {
  copies: CopyRepository;
  events: EventUseCases;
  currentVisitor: CurrentVisitor;
  adminOnly: preHandlerAsyncHookHandler;
}

/** Where pushed copies stand: per event and connection for the person, counts for the organizer. */
export async function syncRoutes(app: FastifyInstance, deps: SyncRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/me/sync',
    {
      schema: {
        tags: ['sync'],
        summary: "The visitor's pushed copies: synced / pending / failed (why) per event and connection",
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ eventId: Type.String(), connectionId: Type.String(), kind: Type.String(), state: Type.String(), lastError: Type.Union([Type.String(), Type.Null()]) }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const visitorId = await deps.currentVisitor(request, reply);
      reply.header('Cache-Control', 'private, no-store');
      return { items: await deps.copies.forVisitor(visitorId) };
    },
  );

  r.get(
    '/api/v1/events/:id/sync',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['sync'],
        summary: 'How many connected-calendar copies of the event are synced, pending and failed',
        security: [{ adminToken: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 200: Type.Object({ synced: Type.Integer(), pending: Type.Integer(), failed: Type.Integer() }), 404: { $ref: 'Problem#' } },
      },
    },
    async (request) => {
      const event = await deps.events.get(request.params.id);
      const counts = await deps.copies.countsForEvent(event.id);
      return { synced: counts.synced ?? 0, pending: counts.pending ?? 0, failed: counts.failed ?? 0 };
    },
  );
}
