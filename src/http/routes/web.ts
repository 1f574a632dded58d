import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { problem, sendProblem } from '../problem.ts';

// The front end (built by `npm run build:web` into dist/web) served by the same server: one
// origin, no separate deploy. Pages are client-rendered; every page path gets index.html.

const DEFAULT_WEB_ROOT = path.resolve(import.meta.dirname, '../../../dist/web');
const PAGE_PATHS = ['/', '/me', '/organizer', '/organizer/*', '/events/:slug', '/widget/demo'];

export async function webRoutes(app: FastifyInstance, opts: { webRoot?: string }): Promise<void> {
  const root = opts.webRoot ?? DEFAULT_WEB_ROOT;
  const file = (name: string) => path.join(root, name);
  const notBuilt = (reply: FastifyReply) =>
    sendProblem(reply.header('Retry-After', '5'), problem(503, 'the web front end is not built; run `npm run build:web`'));

  if (fs.existsSync(path.join(root, 'assets'))) {
    await app.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/assets/',
      // File names carry a content hash, so a cached copy never goes stale.
      maxAge: '365d',
      immutable: true,
      index: false,
      wildcard: true,
    });
  }

  async function sendFile(reply: FastifyReply, name: string, type: string, cacheControl: string) {
    let body: Buffer;
    try {
      body = await fs.promises.readFile(file(name));
    } catch {
      return notBuilt(reply);
    }
    return reply.type(type).header('Cache-Control', cacheControl).send(body);
  }

  for (const url of PAGE_PATHS) {
    app.get(url, { schema: { hide: true } }, (request, reply) =>
      request.url.startsWith('/widget/demo')
        ? sendFile(reply, 'widget-demo.html', 'text/html; charset=utf-8', 'no-cache')
        : sendFile(reply, 'index.html', 'text/html; charset=utf-8', 'no-cache'),
    );
  }

  // Google's feed fetcher obeys robots.txt: feeds must stay allowed.
  app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send('User-agent: *\nAllow: /feeds/\nAllow: /events/\nDisallow: /api/\nDisallow: /go/\n'),
  );

  app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
    // Loaded by pages on other origins: readable from anywhere, revalidated every few minutes.
    reply.header('Access-Control-Allow-Origin', '*').header('Cross-Origin-Resource-Policy', 'cross-origin');
    return sendFile(reply, 'widget.js', 'text/javascript; charset=utf-8', 'public, max-age=300');
  });
}
