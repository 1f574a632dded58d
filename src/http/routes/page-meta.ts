import type { CalendarEvent } from '../../core/events/event.ts';
import { escapeHtml } from '../../core/html.ts';

// Each event page leaves the server with its own <title>, description and Open Graph tags, so a
// shared link previews as the event (chat apps and social sites do not run our script).
// Everything from the event is escaped: a title is text, never markup.

export interface PagePreview {
  title: string;
  description: string;
  url: string;
}


function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** "Sat, Mar 20, 2027, 7:30 PM GMT+9 · Kai 3, Hamburg — Two sets." in the event's own zone. */
export function eventPreview(e: CalendarEvent, url: string): PagePreview {
  const when = e.allDay
    ? new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${e.start.slice(0, 10)}T12:00:00Z`))
    : new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: e.timezone }).format(new Date(e.startUtc));
  const facts = [e.status === 'cancelled' ? `Cancelled: ${when}` : when, e.location].filter(Boolean).join(' · ');
  return {
    title: e.status === 'cancelled' ? `Cancelled: ${e.title}` : e.title,
    description: oneLine(e.description ? `${facts} — ${e.description}` : facts, 300),
    url,
  };
}

/** index.html with the page's own title, description and Open Graph tags. */
export function withPageMeta(html: string, page: PagePreview, siteName: string): string {
  const title = escapeHtml(`${page.title} · ${siteName}`);
  const tags = [
    `<meta property="og:title" content="${escapeHtml(page.title)}" />`,
    `<meta property="og:description" content="${escapeHtml(page.description)}" />`,
    `<meta property="og:url" content="${escapeHtml(page.url)}" />`,
    `<meta property="og:type" content="website" />`,
    `<meta property="og:site_name" content="${escapeHtml(siteName)}" />`,
    `<link rel="canonical" href="${escapeHtml(page.url)}" />`,
  ].join('\n    ');
  return html
    .replace(/<title>[^<]*<\/title>/, () => `<title>${title}</title>`)
    .replace(/<meta name="description"[^>]*>/, () => `<meta name="description" content="${escapeHtml(page.description)}" />`)
    .replace('</head>', () => `    ${tags}\n  </head>`);
}
