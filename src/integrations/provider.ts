// One contract for every calendar provider (Google, Microsoft, CalDAV): neutral types in and
// out, and a small set of error codes that the sync policy (core/sync) decides on. Adapters
// translate their provider's payloads and errors into these; nothing else knows a provider.

import type { ProviderErrorCode } from '../core/sync/failure-policy.ts';

export const PROVIDER_KINDS = ['google', 'microsoft', 'caldav'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** What the person allowed at connect time. */
export type ConnectionMode = 'busy' | 'push';

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

/** What every adapter does, given a connection's current credentials. */
export interface CalendarProvider {
  readonly kind: ProviderKind;
  listCalendars(): Promise<RemoteCalendar[]>;
  /** Creates the app's own calendar ("Calendar Club"). */
  createCalendar(name: string, timezone: string): Promise<RemoteCalendar>;
  /** Idempotent: a retry after a timeout finds the first copy instead of making a second. */
  createEvent(calendarId: string, event: RemoteEventInput): Promise<RemoteEventRef>;
  updateEvent(calendarId: string, ref: RemoteEventRef, event: RemoteEventInput): Promise<RemoteEventRef>;
  deleteEvent(calendarId: string, ref: RemoteEventRef): Promise<void>;
  busyIntervals(calendarIds: string[], from: number, to: number): Promise<BusyInterval[]>;
}
