import type { EventJson } from '../api.ts';
import { dayKey, formatDay } from '../format.ts';
import { Link } from '../router.tsx';

const WEEK_DAYS = 7;

/** "Free evenings this week": evenings with nothing in the person's calendars, and what is on. */
export function FreeEvenings({ evenings, events }: { evenings: { date: string; eventIds: string[] }[]; events: EventJson[] }) {
  // Dates in the viewer's zone, as the server was asked for them.
  const today = dayKey(new Date().toISOString());
  const weekEnd = dayKey(new Date(Date.now() + WEEK_DAYS * 86_400_000).toISOString());
  const thisWeek = evenings.filter((e) => e.date >= today && e.date < weekEnd);
  const byId = new Map(events.map((e) => [e.id, e]));
  return (
    <section class="free-evenings" aria-labelledby="free-evenings-title">
      <h2 id="free-evenings-title">Free evenings this week</h2>
      {thisWeek.length === 0 ? (
        <p class="muted">Your calendars are busy every evening this week.</p>
      ) : (
        <ul>
          {thisWeek.map((evening) => {
            const suggestions = evening.eventIds.map((id) => byId.get(id)).filter((e): e is EventJson => e !== undefined && e.status !== 'cancelled');
            return (
              <li key={evening.date} data-testid="free-evening">
                <strong>{formatDay(evening.date)}</strong>
                {suggestions.length > 0 ? (
                  <>
                    {': '}
                    {suggestions.slice(0, 3).map((e, i) => (
                      <span key={e.id}>
                        {i > 0 && ', '}
                        <Link href={`/events/${encodeURIComponent(e.slug)}`}>{e.title}</Link>
                      </span>
                    ))}
                  </>
                ) : (
                  <span class="muted"> (nothing on yet)</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
