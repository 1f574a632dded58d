import type { CalendarEvent } from '../src/core/events/event.ts';
import { createEvent } from '../src/core/events/rules.ts';
import { cancelOccurrence, changeOccurrence } from '../src/core/events/occurrence-rules.ts';
import { originalOccurrences } from '../src/core/recurrence/occurrences.ts';
import { generateEvents } from './events.ts';

// The bench feed with series: `count` generated events of which `series` timed ones repeat
// weekly (8-20 dates); every fourth series has one changed and one cancelled occurrence.

export function generateEventsWithSeries(count: number, series: number, seed = 42): CalendarEvent[] {
  const events = generateEvents(count, seed);
  let made = 0;
  return events.map((e, i) => {
    if (made >= series || e.allDay || e.status === 'cancelled') return e;
    made++;
    const { id, slug, uid, sequence, createdAt, updatedAt, cancelledAt, startUtc, endUtc, rangeEndUtc, overrides, ...fields } = e;
    void [id, slug, sequence, updatedAt, cancelledAt, startUtc, endUtc, rangeEndUtc, overrides];
    let s: CalendarEvent = { ...createEvent({ ...fields, rrule: `FREQ=WEEKLY;COUNT=${8 + (i % 13)}` }, 'bench.example.test', createdAt), uid };
    if (made % 4 === 0) {
      const [, second, third] = originalOccurrences(s);
      s = changeOccurrence(s, second!.occurrence, { title: `${s.title} (moved)`, location: 'Upstairs' }, createdAt + 60_000).event;
      s = cancelOccurrence(s, third!.occurrence, createdAt + 120_000).event;
    }
    return s;
  });
}
