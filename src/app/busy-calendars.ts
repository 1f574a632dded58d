import type { Connection } from '../infra/db/connection-repository.ts';
import type { CalendarProvider } from '../integrations/provider.ts';
import { canListGoogleCalendars } from '../integrations/oauth/google-scopes.ts';

// Which of a connection's calendars count for busy times (issue 10). By default every calendar
// the person owns (not the ones others share with them); the person may choose otherwise, and
// the choice is stored per connection (null: the default).

export interface BusyCalendar {
  id: string;
  name: string;
  /** The person's own calendar (the default counts these). */
  owned: boolean;
  /** Whether its busy times are read now. */
  counts: boolean;
}

export interface BusyCalendarPlan {
  calendars: BusyCalendar[];
  /** Why fewer calendars could be offered than the person has, in plain words; null when none. */
  note: string | null;
}

/** The person chose something we cannot read: nothing is changed. */
export class BusyCalendarChoiceError extends Error {
  readonly code = 'invalid_choice';
  readonly field = 'calendarIds';
}

export const ONLY_PRIMARY_NOTE = 'Only your main Google calendar was checked: reconnect Google to let Calendar Club see your other calendars.';

/** Every calendar of the connection that could count, each saying whether it counts. */
export async function planBusyCalendars(c: Connection, provider: CalendarProvider, chosen: string[] | null): Promise<BusyCalendarPlan> {
  const counts = (id: string, owned: boolean) => (chosen === null ? owned : chosen.includes(id));
  if (c.kind === 'google' && !canListGoogleCalendars(c.scope)) {
    // Older connections (calendar.freebusy only): free/busy of "primary" is all it allows.
    return { calendars: [{ id: 'primary', name: c.account ?? 'Main calendar', owned: true, counts: counts('primary', true) }], note: ONLY_PRIMARY_NOTE };
  }
  const listed = await provider.listCalendars();
  // A provider that does not say (CalDAV: every calendar in the person's home) means "owned".
  const calendars = listed.map((cal) => ({ id: cal.id, name: cal.name, owned: cal.owned !== false, counts: counts(cal.id, cal.owned !== false) }));
  return { calendars, note: null };
}

/** The stored choice after checking it against what the connection has; throws on unknown ids. */
export function checkedChoice(plan: BusyCalendarPlan, calendarIds: string[] | null): string[] | null {
  if (calendarIds === null) return null;
  const known = new Set(plan.calendars.map((c) => c.id));
  const unknown = calendarIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new BusyCalendarChoiceError(`not a calendar of this connection: ${unknown.join(', ')}`);
  return [...new Set(calendarIds)];
}
