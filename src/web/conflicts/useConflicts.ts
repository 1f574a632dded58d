import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { viewerZone } from '../format.ts';

// The visitor's clashes for a range of time, from /api/v1/me/conflicts: one request per page
// view (the server caches busy times per connection and asks each provider at most once).

export interface Clash {
  /** Which occurrence clashes (a series' date; a one-off event's own start) and its times. */
  occurrence: string;
  occurrenceTitle: string;
  occurrenceStart: string;
  occurrenceEnd: string;
  connectionId: string;
  kind: string;
  /** The overlap with the event. */
  start: string;
  end: string;
  /** The busy block itself. */
  busyStart: string;
  busyEnd: string;
}

export interface ConnectionCheck {
  connectionId: string;
  kind: string;
  status: 'ok' | 'unavailable';
  /** Names of the calendars read. */
  calendars?: string[];
  /** Why not every calendar was read (e.g. only the main Google calendar). */
  note?: string;
}

export interface ConflictsJson {
  items: { eventId: string; clashes: Clash[] }[];
  checked: ConnectionCheck[];
  freeEvenings: { date: string; eventIds: string[] }[] | null;
}

export interface Conflicts {
  /** False until the answer is in, and when the visitor reads no calendar at all. */
  known: boolean;
  clashesOf(eventId: string): Clash[];
  /** Calendars that could not be read just now ("couldn't check"). */
  unavailable: ConnectionCheck[];
  /** Every connection asked, with the calendars it read. */
  checked: ConnectionCheck[];
  freeEvenings: ConflictsJson['freeEvenings'];
}

const NONE: Conflicts = { known: false, clashesOf: () => [], unavailable: [], checked: [], freeEvenings: null };

export function useConflicts(from: string | null, to: string | null): Conflicts {
  const [state, setState] = useState<Conflicts>(NONE);
  useEffect(() => {
    if (!from || !to) return;
    let current = true;
    const query = new URLSearchParams({ from, to, zone: viewerZone });
    api<ConflictsJson>(`/api/v1/me/conflicts?${query}`)
      .then((body) => {
        if (!current) return;
        const byEvent = new Map(body.items.map((i) => [i.eventId, i.clashes]));
        setState({
          known: body.checked.length > 0,
          clashesOf: (id) => byEvent.get(id) ?? [],
          unavailable: body.checked.filter((c) => c.status === 'unavailable'),
          checked: body.checked,
          freeEvenings: body.freeEvenings,
        });
      })
      // No answer is not "free": the badges simply do not show.
      .catch(() => current && setState(NONE));
    return () => {
      current = false;
    };
  }, [from, to]);
  return state;
}
