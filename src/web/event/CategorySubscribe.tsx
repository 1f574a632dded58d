import { useState } from 'preact/hooks';
import type { FeedJson } from '../api.ts';
import { SubscribeDialog } from '../components/SubscribeDialog.tsx';
import type { CategoryFeed } from './useCategoryFeeds.ts';

/** "Subscribe to Music": every future event of the category in the person's calendar. */
export function CategorySubscribe({ categories }: { categories: CategoryFeed[] }) {
  const [open, setOpen] = useState<FeedJson | null>(null);
  const withFeeds = categories.filter((c): c is CategoryFeed & { feed: FeedJson } => c.feed !== null);
  if (withFeeds.length === 0) return null;
  return (
    <>
      {withFeeds.map((c) => (
        <button type="button" class="button" key={c.slug} onClick={() => setOpen(c.feed)}>
          Subscribe to {c.name}
        </button>
      ))}
      {open && <SubscribeDialog name={open.name} links={open.links} onClose={() => setOpen(null)} />}
    </>
  );
}
