import type { FastifyInstance } from 'fastify';

export interface HealthRoutesDeps {
  /** True when the database answers and every migration is applied. */
  ready(): Promise<boolean>;
}

export async function healthRoutes(app: FastifyInstance, deps: HealthRoutesDeps): Promise<void> {
  const hidden = { schema: { tags: ['operations'] } };
  app.get('/healthz', hidden, async () => ({ status: 'ok' }));
  app.get('/readyz', hidden, async (_request, reply) => {
    const ok = await deps.ready().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
  });
}
