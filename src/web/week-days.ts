import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type EventJson, type OccurrenceJson } from './api.ts';
import { eventDay } from './format.ts';

// What the week view shows on each day: a one-off event on its own day, a series on every day
// of the week that has one of its dates (cancelled dates left out), each date as a card of the
// event at that date. The dates come from the occurrences route, which knows the exceptions.

const DAY_MS = 86_400_000;

/** The event as a card at one of its dates (EventCard shows `next`, and the date's own title). */
function atOccurrence(e: EventJson, o: OccurrenceJson): EventJson {
  return { ...e, title: o.title, location: o.location, next: { occurrence: o.occurrence, start: o.start, end: o.end, startsAt: o.startsAt, endsAt: o.endsAt } };
}

/** Cards per local day (`YYYY-MM-DD`) for the 7 days from `week` (a Monday), in start order. */
export function useWeekDays(events: EventJson[], week: string): Map<string, EventJson[]> {
  const series = useMemo(() => events.filter((e) => e.rrule !== null && e.status !== 'cancelled'), [events]);
  const [dates, setDates] = useState<EventJson[]>([]);

  useEffect(() => {
    // A day either side, so every date that falls in the week in the viewer's zone is asked for.
    const from = new Date(Date.parse(`${week}T00:00:00Z`) - DAY_MS).toISOString();
    const to = new Date(Date.parse(`${week}T00:00:00Z`) + 8 * DAY_MS).toISOString();
    if (series.length === 0) return setDates([]);
    let current = true;
    Promise.all(
      series.map((e) =>
        api<{ items: OccurrenceJson[] }>(`/api/v1/events/${encodeURIComponent(e.id)}/occurrences?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
          .then((list) => list.items.filter((o) => o.status !== 'cancelled').map((o) => atOccurrence(e, o)))
          // A series whose dates could not be read still shows on its next date.
          .catch(() => [e]),
      ),
    ).then((lists) => current && setDates(lists.flat()));
    return () => {
      current = false;
    };
  }, [series, week]);

  return useMemo(() => {
    const days = new Map<string, EventJson[]>();
    const startOf = (e: EventJson) => Date.parse((e.next ?? e).startsAt);
    const cards = [...events.filter((e) => e.rrule === null && e.status !== 'cancelled'), ...dates.filter((d) => series.some((s) => s.id === d.id))];
    for (const card of cards.sort((a, b) => startOf(a) - startOf(b))) {
      const day = eventDay(card.next ? { ...card, ...card.next } : card);
      days.set(day, [...(days.get(day) ?? []), card]);
    }
    return days;
  }, [events, dates, series]);
}
