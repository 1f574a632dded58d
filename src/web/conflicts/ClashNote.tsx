import { Fragment } from 'preact';
import { timeRange, viewerZone } from '../format.ts';
import type { Clash, ConnectionCheck } from './useConflicts.ts';

export const CALENDAR_NAME: Record<string, string> = { google: 'Google', microsoft: 'Outlook', caldav: 'your CalDAV calendar' };

/** The busy block as the person wrote it in their calendar: "busy 7:00–8:30 PM in Google". */
export function busyText(c: Clash): string {
  const hours = (Date.parse(c.busyEnd) - Date.parse(c.busyStart)) / 3_600_000;
  // A day-long block (an all-day "busy" entry) reads as such, not as "12:00 AM – 12:00 AM".
  const when = hours >= 23 ? 'all day' : timeRange(c.busyStart, c.busyEnd, viewerZone).replace(' – ', '–');
  return `busy ${when} in ${CALENDAR_NAME[c.kind] ?? c.kind}`;
}

/** "Tue, Mar 9" of the occurrence that clashes, in the viewer's zone. */
export function occurrenceDay(c: Clash): string {
  return new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: viewerZone }).format(new Date(c.occurrenceStart));
}

/** "You're busy 7:00–8:30 PM in Google"; for a series, which date: "On Tue, Mar 9 you're busy …". */
export function clashText(clashes: Clash[], series = false): string {
  return clashes.map((c) => (series ? `On ${occurrenceDay(c)} you're ${busyText(c)}` : `You're ${busyText(c)}`)).join('; ');
}

/** The badge on cards and the event page; "couldn't check" when a calendar did not answer. */
export function ClashNote({ clashes, unavailable = [], series = false }: { clashes: Clash[]; unavailable?: ConnectionCheck[]; series?: boolean }) {
  if (clashes.length > 0) {
    // One pill per busy time: several clashes stay readable and countable.
    return (
      <>
        {clashes.map((c, i) => (
          <Fragment key={`${c.connectionId}-${c.busyStart}-${c.occurrence}`}>
            {i > 0 && ' '}
            <span class="badge warn" data-testid="clash">
              {clashText([c], series)}
            </span>
          </Fragment>
        ))}
      </>
    );
  }
  if (unavailable.length > 0) {
    return (
      <span class="badge muted" data-testid="clash-unknown">
        Couldn't check {unavailable.map((c) => CALENDAR_NAME[c.kind] ?? c.kind).join(' and ')} just now
      </span>
    );
  }
  return null;
}
