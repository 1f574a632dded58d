import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type EventJson, type FeedJson, type MeJson } from '../api.ts';
import { EventCard } from '../components/EventCard.tsx';
import { SubscribeDialog } from '../components/SubscribeDialog.tsx';
import { dayKey, eventDay, formatDay } from '../format.ts';
import { useConflicts } from '../conflicts/useConflicts.ts';
import { FreeEvenings } from '../conflicts/FreeEvenings.tsx';
import { CheckedCalendars } from '../conflicts/CheckedCalendars.tsx';
import { CALENDAR_NAME } from '../conflicts/ClashNote.tsx';
import { navigate, useSearch } from '../router.tsx';
import { LoadFailed, Skeleton } from '../components/PageState.tsx';
import { atNext } from '../series.ts';
import { useWeekDays } from '../week-days.ts';

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
  // The filter and the view live in the URL, so reload, back and a shared link keep them.
  const search = useSearch();
  const category = search.get('category') ? `category:${search.get('category')}` : null;
  const view: View = search.get('view') === 'week' ? 'week' : 'list';
  const setFilter = (next: { category?: string | null; view?: View }) => {
    const params = new URLSearchParams();
    const c = next.category !== undefined ? next.category : category;
    const v = next.view ?? view;
    if (c) params.set('category', c.slice('category:'.length));
    if (v === 'week') params.set('view', 'week');
    const query = params.toString();
    navigate(query ? `/?${query}` : '/', { keepScroll: true });
  };
  const [today] = useState(() => dayKey(new Date().toISOString()));
  const [week, setWeek] = useState(() => weekStart(today));
  const [attempt, setAttempt] = useState(0);
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
      .catch(() => setError('Upcoming events'));
  }, [category, attempt]);

  const categories = useMemo(() => feeds.filter((f) => f.key.startsWith('category:')), [feeds]);
  const shown = useMemo(() => (events ?? []).filter((e) => !hideClashing || conflicts.clashesOf(e.id).length === 0), [events, hideClashing, conflicts]);
  // Cancelled events are listed apart, so the upcoming list holds only what will happen.
  const cancelledEvents = useMemo(() => shown.filter((e) => e.status === 'cancelled'), [shown]);
  const byDay = useMemo(() => {
    const groups = new Map<string, EventJson[]>();
    // A series is listed on the day of its next date, so days are put in order afterwards.
    for (const e of shown) if (e.status !== 'cancelled') groups.set(eventDay(atNext(e)), [...(groups.get(eventDay(atNext(e))) ?? []), e]);
    const byStart = (a: EventJson, b: EventJson) => Date.parse(atNext(a).startsAt) - Date.parse(atNext(b).startsAt);
    return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, list]) => [day, list.sort(byStart)] as const));
  }, [shown]);
  // The week shows a series on each of its dates that week, not only on its next one.
  const weekEvents = useMemo(() => (view === 'week' ? shown : []), [view, shown]);
  const weekDays = useWeekDays(weekEvents, week);
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
          <button type="button" class="chip" aria-pressed={category === null} onClick={() => setFilter({ category: null })}>
            All
          </button>
          {categories.map((c) => (
            <button type="button" class="chip" key={c.key} aria-pressed={category === c.key} onClick={() => setFilter({ category: c.key })}>
              {c.name.split(' - ').pop()}
            </button>
          ))}
        </div>
        <div class="segmented" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'list'} onClick={() => setFilter({ view: 'list' })}>
            List
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => setFilter({ view: 'week' })}>
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
      {error && <LoadFailed what={error} onRetry={() => (setError(null), setAttempt(attempt + 1))} />}
      {events === null && !error && <Skeleton label="Loading events…" />}
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
          {cancelledEvents.length > 0 && (
            <details class="cancelled-list">
              <summary>
                {cancelledEvents.length} cancelled {cancelledEvents.length === 1 ? 'event' : 'events'}
              </summary>
              {cancelledEvents.map((e) => (
                <EventCard key={e.id} event={e} saved={saved.includes(e.id)} />
              ))}
            </details>
          )}
        </div>
      )}
      {events !== null && view === 'week' && (
        <div class="week">
          <div class="week-nav">
            <button type="button" class="button" onClick={() => setWeek(addDays(week, -7))} aria-label="Previous week" disabled={week <= weekStart(today)}>
              ←
            </button>
            <h2 aria-live="polite">Week of {formatDay(week)}</h2>
            <button type="button" class="button" onClick={() => setWeek(addDays(week, 7))} aria-label="Next week">
              →
            </button>
          </div>
          <div class="week-grid" style={{ '--days': 7 - Math.max(0, Math.min(7, (Date.parse(today) - Date.parse(week)) / 86_400_000)) }}>
            {/* Days already gone are left out; today is marked. */}
            {Array.from({ length: 7 }, (_, i) => addDays(week, i))
              .filter((day) => day >= today)
              .map((day) => (
              <section class={`week-day${day === today ? ' today' : ''}`} key={day} aria-label={day === today ? `Today, ${formatDay(day)}` : formatDay(day)}>
                <h3>
                  {day === today && <span class="badge today-badge">Today</span>} {formatDay(day)}
                </h3>
                {(weekDays.get(day) ?? []).map((e) => (
                  <EventCard
                    key={`${e.id} ${e.next?.occurrence ?? ''}`}
                    event={e}
                    saved={saved.includes(e.id)}
                    clashes={conflicts.clashesOf(e.id).filter((c) => !e.rrule || c.occurrence === e.next?.occurrence)}
                  />
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
