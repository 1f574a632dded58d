import type { EventJson } from '../api.ts';
import { formatCardTime } from '../format.ts';
import { Link } from '../router.tsx';
import { ClashNote } from '../conflicts/ClashNote.tsx';
import type { Clash } from '../conflicts/useConflicts.ts';
import { atNext, repeatsText } from '../series.ts';

export function EventCard({ event, saved, clashes = [] }: { event: EventJson; saved: boolean; clashes?: Clash[] }) {
  const cancelled = event.status === 'cancelled';
  // A series shows its next date and what the rest of it is.
  const repeats = repeatsText(event);
  return (
    <article class={`card${cancelled ? ' cancelled' : ''}`} data-event-id={event.id}>
      <p class="time">{formatCardTime(atNext(event))}</p>
      {repeats && (
        <p class="repeats muted" data-testid="repeats">
          <span aria-hidden="true">↻ </span>
          {repeats}
        </p>
      )}
      <h3>
        <Link href={`/events/${encodeURIComponent(event.slug)}`}>{event.title}</Link>
      </h3>
      {event.location && <p class="muted">{event.location}</p>}
      <p class="tags">
        {cancelled && <span class="badge danger">Cancelled</span>}
        {event.status === 'tentative' && <span class="badge">Tentative</span>}
        {saved && <span class="badge ok">Saved</span>}
        {!cancelled && <ClashNote clashes={clashes} series={event.rrule !== null} />}
        {event.categories.map((c) => (
          <span class="tag" key={c}>
            {c}
          </span>
        ))}
      </p>
    </article>
  );
}
