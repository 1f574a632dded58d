// One contract for every calendar provider (Google, Microsoft, CalDAV): neutral types in and
// out, and a small set of error codes that the sync policy (core/sync) decides on. Adapters
// translate their provider's payloads and errors into these; nothing else knows a provider.

import type { ProviderErrorCode } from '../core/sync/failure-policy.ts';
import type { OccurrenceOverride } from '../core/recurrence/occurrences.ts';

export { PROVIDER_KINDS, type ProviderKind, type ConnectionMode } from '../core/sync/connection.ts';
import type { ProviderKind } from '../core/sync/connection.ts';

export { PROVIDER_ERROR_CODES, type ProviderErrorCode } from '../core/sync/failure-policy.ts';

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(code: ProviderErrorCode, message: string, options: { retryAfterMs?: number; status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

/** Tokens of an OAuth connection (never logged; sealed at rest). */
export interface OAuthTokens {
  accessToken: string;
  /** Epoch ms. */
  accessTokenExpiresAt: number;
  refreshToken: string | null;
  scope: string;
}

export interface RemoteCalendar {
  id: string;
  name: string;
  /** True when we may write events into it. */
  writable: boolean;
  primary: boolean;
  /** The person's own calendar, not one shared with them by someone else (undefined: the provider does not say). */
  owned?: boolean;
}

/** A provider-neutral event: what we push. Times as wall clock + IANA zone, or all-day dates. */
export interface RemoteEventInput {
  /** Our event's UID; adapters derive their idempotency key from it and the connection. */
  uid: string;
  sequence: number;
  /** When the event last changed in our store (DTSTAMP for iCalendar-based providers). */
  updatedAt: number;
  title: string;
  description: string | null;
  location: string | null;
  url: string | null;
  allDay: boolean;
  /** `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD` (all-day, end exclusive). */
  start: string;
  end: string;
  timezone: string;
  startUtc: number;
  endUtc: number;
  status: 'confirmed' | 'tentative';
  /** Set for a series: one recurring event with its exceptions (absent for a one-off event). */
  recurrence?: RemoteRecurrence;
}

/** A series as pushed: the rule, and each changed or cancelled occurrence. */
export interface RemoteRecurrence {
  /** RECUR value (no `RRULE:` prefix), UNTIL in UTC for timed series, a date for all-day ones. */
  rule: string;
  /** The rule as stored (CalDAV renders the feed's own VEVENTs from it). */
  rrule: string;
  /** End of the last occurrence, changes applied. */
  rangeEndUtc: number;
  /** Every original occurrence's start, in order (providers that cannot take the rule as is check theirs against it). */
  occurrenceStartsUtc: number[];
  /** The stored exceptions (CalDAV renders master + RECURRENCE-ID VEVENTs from them). */
  overrides: readonly OccurrenceOverride[];
  exceptions: RemoteException[];
}

/** One changed or cancelled occurrence, named by its original start (its RECURRENCE-ID). */
export interface RemoteException {
  /** Original local start in the series' form: `YYYY-MM-DDTHH:MM:SS`, or a date for all-day series. */
  originalStart: string;
  originalStartUtc: number;
  cancelled: boolean;
  /** The occurrence with its changes applied (same forms as RemoteEventInput). */
  title: string;
  description: string | null;
  location: string | null;
  start: string;
  end: string;
  startUtc: number;
  endUtc: number;
  sequence: number;
}

export interface RemoteEventRef {
  remoteId: string;
  etag: string | null;
}

export interface BusyInterval {
  /** Epoch ms, end exclusive. */
  start: number;
  end: number;
  /** When the provider says which event this is (lets us skip our own copies). */
  remoteEventId?: string;
}

/**
 * Where an OAuth adapter gets its bearer token (a port: integrations/oauth/token-lifecycle.ts
 * implements it). A provider may refuse a token before its `expires_in` (revoked, rotated,
 * password changed): `renew` is called once with the refused token, refreshes it (once, for
 * every caller and process) and gives the new one, or throws `reconnect_required`.
 */
export interface AccessTokenSource {
  current(): Promise<string>;
  renew(refused: string): Promise<string>;
}

/**
 * What every adapter does, given a connection's current credentials.
 *
 * Copies are found again by an idempotency key derived from the event's UID, the connection
 * and the copy's `generation` (core/sync/copy.ts): Google's client-chosen event id, Graph's
 * `transactionId`, CalDAV's fixed resource name.
 */
export interface CalendarProvider {
  readonly kind: ProviderKind;
  listCalendars(): Promise<RemoteCalendar[]>;
  /** Creates the app's own calendar ("Calendar Club"). */
  createCalendar(name: string, timezone: string): Promise<RemoteCalendar>;
  /** False when the calendar is gone (tells a deleted calendar from a deleted copy). */
  calendarExists(calendarId: string): Promise<boolean>;
  /** Idempotent: a retry after a timeout finds the first copy instead of making a second. */
  createEvent(calendarId: string, event: RemoteEventInput, generation: number): Promise<RemoteEventRef>;
  /**
   * Brings a copy up to date (the organizer's version wins over changes made meanwhile).
   * Throws `not_found` when the person deleted the copy: a deleted copy is never revived here.
   */
  updateEvent(calendarId: string, ref: RemoteEventRef, event: RemoteEventInput): Promise<RemoteEventRef>;
  deleteEvent(calendarId: string, ref: RemoteEventRef): Promise<void>;
  /** Deletes the copy a create may have made without its answer reaching us (found by its key). */
  deleteUnconfirmed(calendarId: string, event: RemoteEventInput, generation: number): Promise<void>;
  busyIntervals(calendarIds: string[], from: number, to: number): Promise<BusyInterval[]>;
  /** Optional: the account's address, where the grant itself does not say (Microsoft). */
  account?(): Promise<string | null>;
  /** Optional: checks the account and lists its calendars before anything is stored (CalDAV). */
  discover?(): Promise<{ principalUrl: string; calendarHomeUrl: string; calendars: RemoteCalendar[] }>;
}
