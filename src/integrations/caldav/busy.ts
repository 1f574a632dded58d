import ICAL from 'ical.js';
import type { BusyInterval } from '../provider.ts';
import { utcDateTime } from '../../core/ics/datetime.ts';

// Busy times from a CalDAV calendar: the free-busy-query REPORT (RFC 4791 §7.10) where the
// server supports it, else a calendar-query with a time range whose events we read ourselves
// (which also tells us which resource each interval comes from, so our own copies can be left out).

export type DavRequest = (method: string, url: string, headers: Record<string, string>, body: string) => Promise<Response>;

const MAX_OCCURRENCES = 500;
/** Steps through a rule before giving up (a daily series that began decades ago stays cheap). */
const MAX_STEPS = 50_000;

const isBusy = (vevent: ICAL.Component) =>
  String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() !== 'CANCELLED' &&
  String(vevent.getFirstPropertyValue('transp') ?? 'OPAQUE').toUpperCase() !== 'TRANSPARENT';

export function freeBusyQueryBody(from: number, to: number): string {
  return `<?xml version="1.0" encoding="utf-8"?><C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="${utcDateTime(from)}" end="${utcDateTime(to)}"/></C:free-busy-query>`;
}

export function calendarQueryBody(from: number, to: number): string {
  return `<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${utcDateTime(from)}" end="${utcDateTime(to)}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
}

/** FREEBUSY periods of a VFREEBUSY answer (FBTYPE=FREE left out). */
export function parseFreeBusy(text: string): BusyInterval[] {
  const root = new ICAL.Component(ICAL.parse(text));
  const intervals: BusyInterval[] = [];
  for (const fb of root.getAllSubcomponents('vfreebusy')) {
    for (const prop of fb.getAllProperties('freebusy')) {
      if ((prop.getParameter('fbtype') ?? 'BUSY').toString().toUpperCase() === 'FREE') continue;
      for (const value of prop.getValues() as ICAL.Period[]) {
        intervals.push({ start: instant(value.start), end: instant(value.end ?? value.getEnd()) });
      }
    }
  }
  return intervals;
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : XML_ENTITIES[e.toLowerCase()]!);

/** Each response's href and calendar data from a multistatus body. */
export function parseMultistatus(xml: string): { href: string; data: string }[] {
  const out: { href: string; data: string }[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?response\b[^>]*>([\s\S]*?)<\/(?:\w+:)?response>/g)) {
    const href = /<(?:\w+:)?href>([^<]*)<\/(?:\w+:)?href>/.exec(m[1]!)?.[1];
    const data = /<(?:\w+:)?calendar-data\b[^>]*>([\s\S]*?)<\/(?:\w+:)?calendar-data>/.exec(m[1]!)?.[1];
    if (href && data) out.push({ href: unescapeXml(href), data: unescapeXml(data.replace(/^<!\[CDATA\[|\]\]>$/g, '')) });
  }
  return out;
}

/** All-day dates carry no zone: read them as UTC days rather than this server's local days. */
const instant = (t: ICAL.Time) => (t.isDate ? Date.UTC(t.year, t.month - 1, t.day) : t.toJSDate().getTime());

/** Busy intervals of the events in calendar objects (recurrences expanded inside the range). */
export function busyFromEvents(objects: { href: string; data: string }[], from: number, to: number): BusyInterval[] {
  const intervals: BusyInterval[] = [];
  for (const { href, data } of objects) {
    const root = new ICAL.Component(ICAL.parse(data));
    for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
    const vevents = root.getAllSubcomponents('vevent');
    // A changed occurrence (RECURRENCE-ID) replaces its date in the master's expansion: moved,
    // retimed or cancelled there, never counted at its original time as well.
    const exceptions = vevents.filter((v) => v.hasProperty('recurrence-id'));
    for (const vevent of vevents) {
      if (vevent.hasProperty('recurrence-id')) {
        // One without its master in this resource stands alone.
        if (vevents.some((v) => !v.hasProperty('recurrence-id')) || !isBusy(vevent)) continue;
        const lone = new ICAL.Event(vevent);
        const s = instant(lone.startDate);
        const e = instant(lone.endDate);
        if (s < to && e > from) intervals.push({ start: s, end: e, remoteEventId: href });
        continue;
      }
      if (!isBusy(vevent)) continue;
      const event = new ICAL.Event(vevent, { exceptions: exceptions.map((x) => new ICAL.Event(x)) });
      const push = (start: ICAL.Time, end: ICAL.Time) => {
        const s = instant(start);
        const e = instant(end);
        if (s < to && e > from) intervals.push({ start: s, end: e, remoteEventId: href });
      };
      if (!event.isRecurring()) {
        push(event.startDate, event.endDate);
        continue;
      }
      const it = event.iterator();
      let pushed = 0;
      // The walk stops by the original date: an exception may move its occurrence, so a little
      // past `to` (a week) is still read; each occurrence is then kept by its own times.
      for (let step = 0, next = it.next(); next && step < MAX_STEPS && pushed < MAX_OCCURRENCES; step++, next = it.next()) {
        if (instant(next) >= to + 7 * 86_400_000) break;
        const details = event.getOccurrenceDetails(next);
        if (details.item !== event && !isBusy(details.item.component)) continue; // that date was cancelled or made free
        const before = intervals.length;
        push(details.startDate, details.endDate);
        pushed += intervals.length - before;
      }
    }
  }
  return intervals.sort((a, b) => a.start - b.start);
}
