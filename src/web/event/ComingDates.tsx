import { useEffect, useState } from 'preact/hooks';
import { api, type EventJson, type OccurrenceJson } from '../api.ts';
import { formatWhen } from '../format.ts';

// The coming dates of a series on its page, in the event's own time (as the organizer announced
// it). A cancelled date stays in the list, struck through and marked, so nobody goes to it;
// a date with its own title or time shows it.

const SHOWN = 8;

export function ComingDates({ event }: { event: EventJson }) {
  const [dates, setDates] = useState<OccurrenceJson[] | null>(null);
  const [all, setAll] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    // The server's default range: from now, a year ahead.
    api<{ items: OccurrenceJson[] }>(`/api/v1/events/${encodeURIComponent(event.id)}/occurrences`)
      .then((r) => setDates(r.items))
      .catch(() => setFailed(true));
  }, [event.id, event.updatedAt]);

  if (failed) return <p class="muted">The dates of this series could not be loaded.</p>;
  if (!dates) return null;
  const shown = all ? dates : dates.slice(0, SHOWN);
  return (
    <section class="coming-dates" aria-labelledby="coming-dates-title">
      <h2 id="coming-dates-title">Coming dates</h2>
      {dates.length === 0 ? (
        <p class="muted">No dates are left in this series.</p>
      ) : (
        <ul class="date-list" data-testid="coming-dates">
          {shown.map((o) => {
            const cancelled = o.status === 'cancelled';
            const when = formatWhen({ ...event, start: o.start, end: o.end, startsAt: o.startsAt, endsAt: o.endsAt }, event.timezone);
            return (
              <li key={o.occurrence} class={cancelled ? 'cancelled' : undefined}>
                {cancelled ? <s>{when}</s> : when}
                {o.title !== event.title && <span class="muted"> — {o.title}</span>}
                {cancelled && (
                  <>
                    {' '}
                    <span class="badge danger">Cancelled</span>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {dates.length > SHOWN && (
        <button type="button" class="link" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? 'Show fewer dates' : `Show all ${dates.length} dates`}
        </button>
      )}
    </section>
  );
}
