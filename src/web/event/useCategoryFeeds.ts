import { useEffect, useState } from 'preact/hooks';
import { api, type FeedJson } from '../api.ts';

// The event's categories with their slugs and subscribe links (ordered for this device by the
// server), for "subscribe to this category" and "similar events".

export interface CategoryFeed {
  name: string;
  slug: string;
  feed: FeedJson | null;
}

export function useCategoryFeeds(names: string[]): CategoryFeed[] | null {
  const [state, setState] = useState<CategoryFeed[] | null>(null);
  const key = names.join('\n');
  useEffect(() => {
    if (names.length === 0) return setState([]);
    Promise.all([api<{ items: { slug: string; name: string }[] }>('/api/v1/categories'), api<{ items: FeedJson[] }>('/api/v1/feeds')])
      .then(([categories, feeds]) => {
        const bySlug = new Map(feeds.items.map((f) => [f.key, f]));
        setState(
          names.flatMap((name) => {
            const c = categories.items.find((x) => x.name.toLowerCase() === name.toLowerCase());
            return c ? [{ name, slug: c.slug, feed: bySlug.get(`category:${c.slug}`) ?? null }] : [];
          }),
        );
      })
      // Without them the page still works: no subscribe buttons, similar events from all.
      .catch(() => setState([]));
  }, [key]);
  return state;
}
