import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { problem, sendProblem } from '../problem.ts';
import { WIDGET_DEMO_POLICY } from '../plugins/security-headers.ts';
import { withPageMeta, type PagePreview } from './page-meta.ts';

// The front end (built by `npm run build:web` into dist/web) served by the same server: one
// origin, no separate deploy. Pages are client-rendered; every page path gets index.html.

const DEFAULT_WEB_ROOT = path.resolve(import.meta.dirname, '../../../dist/web');
const PAGE_PATHS = ['/', '/me', '/organizer', '/organizer/*', '/events/:slug', '/widget/demo'];

export interface WebRoutesOptions {
  webRoot?: string;
  /** Whether an event page names a real event; an unknown one gets our page with a 404. */
  eventExists?: (idOrSlug: string) => Promise<boolean>;
  /** Title, description and URL of an event page for link previews; null for no such event. */
  eventPreview?: (idOrSlug: string) => Promise<PagePreview | null>;
}

export async function webRoutes(app: FastifyInstance, opts: WebRoutesOptions): Promise<void> {
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

  async function sendEventPage(reply: FastifyReply, preview: PagePreview) {
    let html: string;
    try {
      html = await fs.promises.readFile(file('index.html'), 'utf8');
    } catch {
      return notBuilt(reply);
    }
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(withPageMeta(html, preview, 'Calendar Club'));
  }

  for (const url of PAGE_PATHS) {
    app.get(url, { schema: { hide: true } }, async (request, reply) => {
      if (request.url.startsWith('/widget/demo')) {
        reply.header('Content-Security-Policy', WIDGET_DEMO_POLICY);
        return sendFile(reply, 'widget-demo.html', 'text/html; charset=utf-8', 'no-cache');
      }
      const slug = (request.params as { slug?: string }).slug;
      // The page itself says "no such event"; the status tells crawlers and link checkers too.
      if (slug !== undefined && opts.eventExists && !(await opts.eventExists(slug))) reply.code(404);
      const preview = slug !== undefined && reply.statusCode !== 404 && opts.eventPreview ? await opts.eventPreview(slug) : null;
      if (preview) return sendEventPage(reply, preview);
      return sendFile(reply, 'index.html', 'text/html; charset=utf-8', 'no-cache');
    });
  }

  // Any other path a person may type or follow: our page (it shows "not found" and a way back)
  // with a 404. Machine paths keep answering problem documents.
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0]!;
    if (/^\/(api|feeds|go|connect|assets)\//.test(pathname) || /\.[a-z0-9]+$/i.test(pathname)) {
      return sendProblem(reply, problem(404, `no route ${request.method} ${pathname}`));
    }
    reply.code(404);
    return sendFile(reply, 'index.html', 'text/html; charset=utf-8', 'no-cache');
  });

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
