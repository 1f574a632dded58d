import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';

// A plain landing page so that a new user sees working feeds at once. The full event-goer
// pages (week view, add-to-calendar menu, subscribe dialog) are built on top of this API.

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function homeRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const base = services.config.publicUrl;
  const webcal = (url: string) => url.replace(/^https?:/, 'webcal:');

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const [categories, events] = await Promise.all([
      services.eventRepository.listCategories(),
      services.events.list({ from: Date.now(), includeCancelled: true, limit: 50 }),
    ]);
    const feed = (label: string, path: string) => {
      const url = `${base}${path}`;
      return `<li>${escapeHtml(label)}: <a href="${escapeHtml(webcal(url))}">subscribe (webcal)</a> · <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>`;
    };
    const rows = events
      .map((e) => {
        const when = e.allDay ? `${e.start} (all day)` : `${e.start.replace('T', ' ').slice(0, 16)} ${e.timezone}`;
        const status = e.status === 'cancelled' ? ' <strong>cancelled</strong>' : '';
        return `<li><a href="${escapeHtml(`${base}/events/${encodeURIComponent(e.slug)}.ics`)}">${escapeHtml(e.title)}</a> — ${escapeHtml(when)}${status}</li>`;
      })
      .join('');
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(services.config.calendarName)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f}a{color:#3b4cca}li{margin:.25rem 0}</style></head>
<body><h1>${escapeHtml(services.config.calendarName)}</h1>
<h2>Feeds</h2><ul>${feed('All events', '/feeds/all.ics')}${categories.map((c) => feed(c.name, `/feeds/categories/${c.slug}.ics`)).join('')}</ul>
<h2>Upcoming events</h2><ul>${rows || '<li>No upcoming events.</li>'}</ul>
<p><a href="${escapeHtml(base)}/docs">API documentation</a></p></body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
