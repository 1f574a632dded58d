import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ConflictUseCases } from '../../app/conflicts.ts';
import type { CurrentVisitor } from '../plugins/session.ts';
import { problem, sendProblem } from '../problem.ts';

const MAX_RANGE_MS = 62 * 86_400_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export async function conflictRoutes(app: FastifyInstance, deps: { conflicts: ConflictUseCases; currentVisitor: CurrentVisitor }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/me/conflicts',
    {
      schema: {
        tags: ['conflicts'],
        summary: 'Events in the range that overlap the visitor’s busy times; per connection whether it could be checked',
        querystring: Type.Object({ from: Type.String({ maxLength: 40 }), to: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                eventId: Type.String(),
                title: Type.String(),
                clashes: Type.Array(Type.Object({ connectionId: Type.String(), kind: Type.String(), start: Type.String(), end: Type.String() })),
              }),
            ),
            checked: Type.Array(
              Type.Object({ connectionId: Type.String(), kind: Type.String(), status: Type.String({ description: 'ok | unavailable ("couldn’t check")' }), reason: Type.Optional(Type.String()) }),
            ),
          }),
          400: { $ref: 'Problem#' },
        },
      },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      const fromMs = ISO_INSTANT.test(from) ? Date.parse(from) : NaN;
      const toMs = ISO_INSTANT.test(to) ? Date.parse(to) : NaN;
      const errors = [
        ...(Number.isNaN(fromMs) ? [{ field: 'from', message: 'must be an ISO 8601 instant' }] : []),
        ...(Number.isNaN(toMs) ? [{ field: 'to', message: 'must be an ISO 8601 instant' }] : []),
        ...(!Number.isNaN(fromMs) && !Number.isNaN(toMs) && (toMs <= fromMs || toMs - fromMs > MAX_RANGE_MS) ? [{ field: 'to', message: 'must be after from, at most 62 days later' }] : []),
      ];
      if (errors.length > 0) return sendProblem(reply, problem(400, 'the range is invalid', errors));
      const visitorId = await deps.currentVisitor(request, reply);
      reply.header('Cache-Control', 'private, no-store');
      return deps.conflicts.conflicts(visitorId, fromMs, toMs);
    },
  );
}
