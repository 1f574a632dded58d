import { viewerZone } from '../format.ts';
import type { Clash, ConnectionCheck } from './useConflicts.ts';

export const CALENDAR_NAME: Record<string, string> = { google: 'Google', microsoft: 'Outlook', caldav: 'your CalDAV calendar' };

const time = (iso: string) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: viewerZone }).format(new Date(iso));

/** "You're busy 19:00–20:30 in Google" (and the same for each other clash). */
export function clashText(clashes: Clash[]): string {
  return clashes.map((c) => `You're busy ${time(c.start)}–${time(c.end)} in ${CALENDAR_NAME[c.kind] ?? c.kind}`).join('; ');
}

/** The badge on cards and the event page; "couldn't check" when a calendar did not answer. */
export function ClashNote({ clashes, unavailable = [] }: { clashes: Clash[]; unavailable?: ConnectionCheck[] }) {
  if (clashes.length > 0) {
    return (
      <span class="badge warn" data-testid="clash">
        {clashText(clashes)}
      </span>
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
