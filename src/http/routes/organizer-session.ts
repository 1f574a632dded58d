import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { OrganizerSession } from '../plugins/organizer-session.ts';

export interface OrganizerSessionRoutesDeps {
  session: OrganizerSession;
  /** Accepts the bearer admin token only (not a session: a session cannot extend itself). */
  bearerOnly: preHandlerAsyncHookHandler;
}

/** Signing the organizer page in and out; API clients keep sending the bearer token instead. */
export async function organizerSessionRoutes(app: FastifyInstance, deps: OrganizerSessionRoutesDeps): Promise<void> {
  app.post(
    '/api/v1/admin/session',
    {
      preHandler: deps.bearerOnly,
      schema: {
        tags: ['events'],
        summary: 'Sign the organizer page in: send the admin token as Bearer once; 204 sets an httpOnly, SameSite=Strict session cookie',
        security: [{ adminToken: [] }],
        response: { 204: Type.Null(), 401: { $ref: 'Problem#' } },
      },
    },
    async (_request, reply) => {
      deps.session.issue(reply);
      return reply.header('Cache-Control', 'no-store').code(204).send();
    },
  );

  app.delete(
    '/api/v1/admin/session',
    { schema: { tags: ['events'], summary: 'Sign the organizer page out (drops the session cookie)', response: { 204: Type.Null() } } },
    async (_request, reply) => {
      deps.session.clear(reply);
      return reply.header('Cache-Control', 'no-store').code(204).send();
    },
  );
}
