import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics; one registry per app so tests can build several apps. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route template.',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const feedResponses = new Counter({
    name: 'feed_responses_total',
    help: 'Feed responses by feed kind and status (200 or 304).',
    labelNames: ['feed', 'status'] as const,
    registers: [registry],
  });
  const feedRender = new Histogram({
    name: 'feed_render_seconds',
    help: 'Time to read and render one feed version (cache misses only).',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const adds = new Counter({
    name: 'calendar_adds_total',
    help: 'Add-to-calendar redirects followed, by target.',
    labelNames: ['target'] as const,
    registers: [registry],
  });
  const pushes = new Counter({
    name: 'push_jobs_total',
    help: 'Push jobs by kind and outcome (created, updated, deleted, unchanged, skipped, retry, park_connection, dead_letter).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const pushLatency = new Histogram({
    name: 'push_latency_seconds',
    help: 'From the change being committed to the copy being written at the provider.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  let queueDepth: () => Promise<Record<string, number>> = async () => ({});
  new Gauge({
    name: 'push_queue_jobs',
    help: 'Outbox jobs by state (ready, leased, parked, dead).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [state, n] of Object.entries(await queueDepth().catch(() => ({})))) this.set({ state }, n);
    },
  });
  const notModifiedRatio = new Gauge({
    name: 'feed_not_modified_ratio',
    help: 'Share of feed responses that were 304 Not Modified since the process started.',
    registers: [registry],
    async collect() {
      const values = (await feedResponses.get()).values;
      const total = values.reduce((n, v) => n + v.value, 0);
      const notModified = values.filter((v) => v.labels.status === 304).reduce((n, v) => n + v.value, 0);
      this.set(total === 0 ? 0 : notModified / total);
    },
  });
  void notModifiedRatio;
  return {
    registry,
    recordFeedResponse: (feed: string, status: number) => feedResponses.inc({ feed, status }),
    /** A feed response sent before Fastify (http/feed-fast-path.ts): what its hooks would have counted. */
    recordFastFeed: (route: string, method: string, feed: string, status: number, seconds: number) => {
      requests.inc({ route, method, status });
      duration.observe({ route }, seconds);
      feedResponses.inc({ feed, status });
    },
    recordRender: (seconds: number) => feedRender.observe(seconds),
    recordAdd: (target: string) => adds.inc({ target }),
    recordPush: (kind: string, outcome: string, latencySeconds?: number) => {
      pushes.inc({ kind, outcome });
      if (latencySeconds !== undefined && outcome !== 'unchanged' && outcome !== 'skipped') pushLatency.observe(latencySeconds);
    },
    watchQueue: (depth: () => Promise<Record<string, number>>) => {
      queueDepth = depth;
    },
    /** Counts every response by its route template (never the raw URL, which may hold a token). */
    install(app: FastifyInstance) {
      app.addHook('onResponse', async (request, reply) => {
        const route = request.routeOptions.url ?? 'unmatched';
        requests.inc({ route, method: request.method, status: reply.statusCode });
        duration.observe({ route }, reply.elapsedTime / 1000);
      });
    },
    /**
     * `GET /metrics`, behind `guard` (the admin token): the numbers tell an outsider how many
     * people use which feeds and calendars, and the process's memory and versions.
     */
    serve(app: FastifyInstance, guard: preHandlerAsyncHookHandler) {
      app.get('/metrics', { preHandler: guard, schema: { tags: ['operations'], security: [{ adminToken: [] }] } }, async (_request, reply) =>
        reply.type(registry.contentType).send(await registry.metrics()),
      );
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
