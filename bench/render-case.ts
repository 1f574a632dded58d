// One render measurement in its own process, so peak memory belongs to this case alone.
// Usage: node bench/render-case.ts <ours|ours-series|ours-after-edit|ical-generator> <event count> <runs>
import ical from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { renderCalendarBytes, type CachedVevent, type RenderMemory, type VeventCache } from '../src/core/ics/calendar.ts';
import { BoundedCache } from '../src/app/bounded-cache.ts';
import type { CalendarEvent } from '../src/core/events/event.ts';
import { generateEvents } from './events.ts';
import { generateEventsWithSeries } from './series-events.ts';

const [library = 'ours', sizeText = '1000', runsText = '3'] = process.argv.slice(2);
const size = Number(sizeText);
const runs = Number(runsText);

/** The feed service's VEVENT cache (src/app/feeds.ts), empty. */
function veventCache(): VeventCache {
  const cache = new BoundedCache<CachedVevent>(256 * 1024 * 1024);
  return { get: (id) => cache.get(id), set: (id, entry) => cache.set(id, entry, entry.bytes.length + 128) };
}

// Both produce the bytes an HTTP response needs. Ours as the feed service renders a version
// nobody rendered before: through an empty VEVENT cache and an empty last render, filling both.
function renderOurs(events: CalendarEvent[], cache = veventCache(), memory: RenderMemory = {}): Buffer {
  return renderCalendarBytes({ productId: '-//Bench//Bench//EN', name: 'Bench', refreshMinutes: 60 }, events, cache, memory);
}

/** The same calendar through ical-generator: same fields, VTIMEZONEs from the same library. */
function renderIcalGenerator(events: CalendarEvent[]): Buffer {
  const cal = ical({ name: 'Bench', prodId: '//Bench//Bench//EN', ttl: 3600 });
  cal.timezone({ name: null, generator: (tz: string) => (tzlib_get_ical_block(tz) as string[])[0] ?? null });
  for (const e of events) {
    cal.createEvent({
      id: e.uid,
      sequence: e.sequence,
      stamp: new Date(e.updatedAt),
      created: new Date(e.createdAt),
      lastModified: new Date(e.updatedAt),
      start: new Date(e.startUtc),
      end: new Date(e.endUtc),
      allDay: e.allDay,
      timezone: e.allDay ? null : e.timezone,
      summary: e.title,
      description: e.description,
      location: e.location,
      url: e.url,
      categories: e.categories.map((name) => ({ name })),
      status: e.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    } as Parameters<typeof cal.createEvent>[0]);
  }
  return Buffer.from(cal.toString(), 'utf8');
}

// `ours-after-edit`: the render that follows an edit of one event, its other events' VEVENTs
// kept from the render before, and the feed's last render (as the feed service keeps them);
// each run edits another event.
if (library === 'ours-after-edit') {
  const events = generateEvents(size);
  const cache = veventCache();
  const memory: RenderMemory = {};
  renderOurs(events, cache, memory);
  const times: number[] = [];
  // The first 10 edits warm the code up (a running server has rendered before); not measured.
  for (let i = -10; i < runs; i++) {
    const k = ((i + 10) * 7919) % size;
    const e = events[k]!;
    events[k] = { ...e, title: `${e.title} (edited)`, sequence: e.sequence + 1, updatedAt: e.updatedAt + 1000 };
    const started = performance.now();
    renderOurs(events, cache, memory);
    if (i >= 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ library, size, medianMs: times[Math.floor(times.length / 2)], worstMs: times.at(-1) }) + '\n');
  process.exit(0);
}

// `ours-series`: the same feed with 2,000 of its events (a fifth at smaller sizes) as series.
const render = library === 'ical-generator' ? renderIcalGenerator : renderOurs;
const events = library === 'ours-series' ? generateEventsWithSeries(size, Math.min(2000, Math.round(size / 5))) : generateEvents(size);
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
let best = Infinity;
let bytes = 0;
let vevents = 0;
render(events.slice(0, Math.min(200, size))); // warm-up: JIT, tz blocks
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const text = render(events);
  best = Math.min(best, performance.now() - started);
  bytes = text.length;
  vevents = text.toString('latin1').split('BEGIN:VEVENT').length - 1;
}
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  JSON.stringify({ library, size, eventsPerSecond: Math.round(size / (best / 1000)), bestMs: best, vevents, microsPerVevent: (best * 1000) / Math.max(1, vevents), peakMb: peakRss / 2 ** 20, renderMb: Math.max(0, peakRss - rssBefore) / 2 ** 20, bytes }) + '\n',
);
