import type { ConnectionMode } from '../provider.ts';

// Google's calendar scopes, which of them a mode needs, and what the granted ones allow.
// Google's consent screen lets the person untick scopes, so the granted `scope` of the token
// answer decides, never what we asked for (reference/providers.md §1-2).

const AUTH = 'https://www.googleapis.com/auth';
export const GOOGLE_SCOPES = {
  freebusy: `${AUTH}/calendar.freebusy`,
  /** calendarList.list: lets us read busy times from all the person's calendars and find ours. */
  calendarListReadonly: `${AUTH}/calendar.calendarlist.readonly`,
  /** Make secondary calendars and write events in the ones the app created; nothing else. */
  appCreated: `${AUTH}/calendar.app.created`,
  /** Events on all the person's calendars: asked for only when they pick one of their own. */
  events: `${AUTH}/calendar.events`,
  calendar: `${AUTH}/calendar`,
} as const;

/** The calendar scopes a mode cannot work without. */
export function googleScopesFor(mode: ConnectionMode): string[] {
  const busy = [GOOGLE_SCOPES.freebusy, GOOGLE_SCOPES.calendarListReadonly];
  return mode === 'push' ? [...busy, GOOGLE_SCOPES.appCreated] : busy;
}

/** RFC 6749 §5.1: a token answer without `scope` granted what was asked. */
export function grantedScopes(scope: string | null | undefined, asked: string[]): Set<string> {
  return new Set(scope ? scope.split(' ').filter(Boolean) : asked);
}

export function missingScopes(required: string[], scope: string | null | undefined): string[] {
  const granted = grantedScopes(scope, required);
  return required.filter((s) => !granted.has(s) && !(s !== GOOGLE_SCOPES.calendar && granted.has(GOOGLE_SCOPES.calendar)));
}

/**
 * calendarList.list accepts only calendar, calendar.readonly, calendar.calendarlist and
 * calendar.calendarlist.readonly: https://developers.google.com/calendar/api/v3/reference/calendarList/list
 */
export function canListGoogleCalendars(scope: string | null): boolean {
  const granted = grantedScopes(scope, []);
  return ['calendar', 'calendar.readonly', 'calendar.calendarlist', 'calendar.calendarlist.readonly'].some((s) => granted.has(`${AUTH}/${s}`));
}

/** Whether we may write events into any of the person's calendars, not just the app's own. */
export function canWriteAnyGoogleCalendar(scope: string | null): boolean {
  const granted = grantedScopes(scope, []);
  return granted.has(GOOGLE_SCOPES.events) || granted.has(GOOGLE_SCOPES.calendar);
}

const WHAT_IT_ALLOWS: Record<string, string> = {
  [GOOGLE_SCOPES.appCreated]: 'Calendar Club needs permission to add events to a calendar it creates.',
  [GOOGLE_SCOPES.freebusy]: 'Calendar Club needs permission to see when you are busy.',
  [GOOGLE_SCOPES.calendarListReadonly]: 'Calendar Club needs permission to see the list of your calendars.',
  [GOOGLE_SCOPES.events]: 'Calendar Club needs permission to add events to your own calendars.',
};

/** A plain sentence naming what the person did not allow, and what to do about it. */
export function missingScopeMessage(missing: string[]): string {
  const sentences = missing.map((s) => WHAT_IT_ALLOWS[s] ?? `Calendar Club needs the permission ${s}.`);
  const boxes = missing.length > 1 ? 'those boxes' : 'that box';
  return `${sentences.join(' ')} Connect again and leave ${boxes} ticked.`;
}
