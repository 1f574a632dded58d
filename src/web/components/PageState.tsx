import { Link } from '../router.tsx';

// What a page shows while it has nothing to show yet: a skeleton while loading, our own "not
// found" with a way back, and "can't reach the server" with a Retry button when the API is down.

export function Skeleton({ cards = 3, label = 'Loading…' }: { cards?: number; label?: string }) {
  return (
    <div class="skeleton" aria-busy="true">
      <p class="visually-hidden" role="status">
        {label}
      </p>
      {Array.from({ length: cards }, (_, i) => (
        <div class="skeleton-card" key={i} aria-hidden="true">
          <span class="skeleton-line short" />
          <span class="skeleton-line" />
          <span class="skeleton-line medium" />
        </div>
      ))}
    </div>
  );
}

export function NotFound({ what = 'page' }: { what?: 'page' | 'event' }) {
  return (
    <section class="page-state" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{what === 'event' ? 'There is no such event' : 'There is no such page'}</h1>
      <p class="muted">
        {what === 'event'
          ? 'The link may be mistyped, or the event was removed from the listings.'
          : 'The address may be mistyped, or the page has moved.'}
      </p>
      <p>
        <Link href="/" class="button primary">
          See upcoming events
        </Link>
      </p>
    </section>
  );
}

export function LoadFailed({ what, onRetry }: { what: string; onRetry: () => void }) {
  return (
    <section class="page-state" role="alert" aria-labelledby="load-failed-title">
      <h2 id="load-failed-title">We can't reach Calendar Club right now</h2>
      <p class="muted">{what} could not be loaded. Check your connection; if it is fine, our server is having trouble.</p>
      <button type="button" class="button primary" onClick={onRetry}>
        Retry
      </button>
    </section>
  );
}
