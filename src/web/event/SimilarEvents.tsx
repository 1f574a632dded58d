import { useEffect, useState } from 'preact/hooks';
import { api, type EventJson } from '../api.ts';
import { formatWhen } from '../format.ts';
import { Link } from '../router.tsx';

// For a cancelled event: upcoming events in the same categories, so the visit is not a dead end.

export function SimilarEvents({ event, categorySlugs }: { event: EventJson; categorySlugs: string[] }) {
  const [items, setItems] = useState<EventJson[] | null>(null);
  useEffect(() => {
    const from = new Date().toISOString();
    const lists = (categorySlugs.length > 0 ? categorySlugs : [null]).map((slug) => {
      const q = new URLSearchParams({ from, limit: '6' });
      if (slug) q.set('category', slug);
      return api<{ items: EventJson[] }>(`/api/v1/events?${q}`).then((r) => r.items, () => []);
    });
    void Promise.all(lists).then((all) => {
      const seen = new Set([event.id]);
      const merged = all.flat().filter((e) => e.status !== 'cancelled' && !seen.has(e.id) && (seen.add(e.id), true));
      setItems(merged.sort((a, b) => a.startsAt.localeCompare(b.startsAt)).slice(0, 4));
    });
  }, [event.id, categorySlugs.join(',')]);

  if (!items || items.length === 0) return null;
  return (
    <section aria-labelledby="similar-title" class="similar">
      <h2 id="similar-title">{categorySlugs.length > 0 ? `Other ${event.categories.join(' and ')} events coming up` : 'Other events coming up'}</h2>
      <ul>
        {items.map((e) => (
          <li key={e.id}>
            <Link href={`/events/${encodeURIComponent(e.slug)}`}>{e.title}</Link> <span class="muted">· {formatWhen(e)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
