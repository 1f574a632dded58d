import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type EventJson, type FeedJson, type MeJson } from '../api.ts';
import { EventCard } from '../components/EventCard.tsx';
import { SubscribeDialog } from '../components/SubscribeDialog.tsx';
import { dayKey, eventDay, formatDay } from '../format.ts';
import { useConflicts } from '../conflicts/useConflicts.ts';
import { FreeEvenings } from '../conflicts/FreeEvenings.tsx';
import { CheckedCalendars } from '../conflicts/CheckedCalendars.tsx';
import { CALENDAR_NAME } from '../conflicts/ClashNote.tsx';

type View = 'list' | 'week';

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Monday of the week holding `day`. */
function weekStart(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

export function HomePage() {
  const [events, setEvents] = useState<EventJson[] | null>(null);
  const [feeds, setFeeds] = useState<FeedJson[]>([]);
  const [saved, setSaved] = useState<string[]>([]);
  const [category, setCategory] = useState<string | null>(null);
  const [view, setView] = useState<View>('list');
  const [week, setWeek] = useState(() => weekStart(dayKey(new Date().toISOString())));
  const [subscribing, setSubscribing] = useState<FeedJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hideClashing, setHideClashing] = useState(false);
  // Clashes for the next month (the API allows up to 62 days); fixed for the page view.
  const [range] = useState(() => {
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    return { from: new Date(now).toISOString(), to: new Date(now + 31 * 86_400_000).toISOString() };
  });
  const conflicts = useConflicts(range.from, range.to);

  useEffect(() => {
    Promise.all([api<{ items: FeedJson[] }>('/api/v1/feeds'), api<MeJson>('/api/v1/me')])
      .then(([feedList, me]) => {
        setFeeds(feedList.items);
        setSaved(me.savedEventIds);
      })
      .catch(() => setError('Feeds could not be loaded. Try again in a moment.'));
  }, []);

  useEffect(() => {
    // The server filters by category slug, so names in any script work the same way.
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const filter = category ? `&category=${encodeURIComponent(category.slice('category:'.length))}` : '';
    setEvents(null);
    api<{ items: EventJson[] }>(`/api/v1/events?from=${encodeURIComponent(from)}&includeCancelled=true&limit=200${filter}`)
      .then((list) => setEvents(list.items))
      .catch(() => setError('Events could not be loaded. Try again in a moment.'));
  }, [category]);

  const categories = useMemo(() => feeds.filter((f) => f.key.startsWith('category:')), [feeds]);
  const shown = useMemo(() => (events ?? []).filter((e) => !hideClashing || conflicts.clashesOf(e.id).length === 0), [events, hideClashing, conflicts]);
  const byDay = useMemo(() => {
    const groups = new Map<string, EventJson[]>();
    for (const e of shown) groups.set(eventDay(e), [...(groups.get(eventDay(e)) ?? []), e]);
    return groups;
  }, [shown]);
  const activeFeed = feeds.find((f) => f.key === (category ?? 'all'));

  return (
    <section aria-labelledby="home-title">
      <div class="page-head">
        <h1 id="home-title">Upcoming events</h1>
        {activeFeed && (
          <button type="button" class="button" onClick={() => setSubscribing(activeFeed)}>
            Subscribe{category ? ` to ${activeFeed.name.split(' - ').pop()}` : ' to all events'}
          </button>
        )}
      </div>
      <div class="toolbar">
        <div class="chips" role="group" aria-label="Filter by category">
          <button type="button" class="chip" aria-pressed={category === null} onClick={() => setCategory(null)}>
            All
          </button>
          {categories.map((c) => (
            <button type="button" class="chip" key={c.key} aria-pressed={category === c.key} onClick={() => setCategory(c.key)}>
              {c.name.split(' - ').pop()}
            </button>
          ))}
        </div>
        <div class="segmented" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            List
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => setView('week')}>
            Week
          </button>
        </div>
      </div>
      {conflicts.known && (
        <div class="toolbar">
          <label class="check">
            <input type="checkbox" checked={hideClashing} onChange={(e) => setHideClashing((e.target as HTMLInputElement).checked)} /> Hide events that clash with my calendar
          </label>
          {conflicts.unavailable.length > 0 && (
            <p class="muted" role="status">
              Couldn't check {conflicts.unavailable.map((c) => CALENDAR_NAME[c.kind] ?? c.kind).join(' and ')} just now, so some clashes may not show.
            </p>
          )}
          <CheckedCalendars checked={conflicts.checked} />
        </div>
      )}
      {conflicts.freeEvenings && events && <FreeEvenings evenings={conflicts.freeEvenings} events={events} />}
      {error && <p role="alert">{error}</p>}
      {events === null && !error && <p aria-live="polite">Loading events…</p>}
      {events !== null && view === 'list' && (
        <div class="days">
          {byDay.size === 0 && <p>No upcoming events{category ? ' in this category' : ''}.</p>}
          {[...byDay.entries()].map(([day, list]) => (
            <section class="day" key={day} aria-label={formatDay(day)}>
              <h2 class="day-title">{formatDay(day)}</h2>
              {list.map((e) => (
                <EventCard key={e.id} event={e} saved={saved.includes(e.id)} clashes={conflicts.clashesOf(e.id)} />
              ))}
            </section>
          ))}
        </div>
      )}
      {events !== null && view === 'week' && (
        <div class="week">
          <div class="week-nav">
            <button type="button" class="button" onClick={() => setWeek(addDays(week, -7))} aria-label="Previous week">
              ←
            </button>
            <h2 aria-live="polite">Week of {formatDay(week)}</h2>
            <button type="button" class="button" onClick={() => setWeek(addDays(week, 7))} aria-label="Next week">
              →
            </button>
          </div>
          <div class="week-grid">
            {Array.from({ length: 7 }, (_, i) => addDays(week, i)).map((day) => (
              <section class="week-day" key={day} aria-label={formatDay(day)}>
                <h3>{formatDay(day)}</h3>
                {(byDay.get(day) ?? []).map((e) => (
                  <EventCard key={e.id} event={e} saved={saved.includes(e.id)} clashes={conflicts.clashesOf(e.id)} />
                ))}
              </section>
            ))}
          </div>
        </div>
      )}
      {subscribing && <SubscribeDialog name={subscribing.name} links={subscribing.links} onClose={() => setSubscribing(null)} />}
    </section>
  );
}
