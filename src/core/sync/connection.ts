// A person's connected calendar account, as the sync domain sees it. Stored by
// infra/db/connection-repository.ts; the tokens and passwords live apart from it, sealed.

export const PROVIDER_KINDS = ['google', 'microsoft', 'caldav'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** The calendar we make in a person's account (and make again when they delete it). */
export const APP_CALENDAR_NAME = 'Calendar Club';

/** What the person allowed at connect time: read busy times only, or also push saved events. */
export type ConnectionMode = 'busy' | 'push';

/**
 * active: work runs. reconnect_required: the grant is dead (revoked, expired, the provider wants
 * the person again); work is parked, never dropped, until they reconnect. error: something the
 * person must look at (shown with `statusReason`).
 */
export type ConnectionStatus = 'active' | 'reconnect_required' | 'error';

export interface Connection {
  id: string;
  visitorId: string;
  kind: ProviderKind;
  mode: ConnectionMode;
  status: ConnectionStatus;
  statusReason: string | null;
  account: string | null;
  serverUrl: string | null;
  targetCalendarId: string | null;
  targetCalendarName: string | null;
  scope: string | null;
  accessExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * One account, one request budget: Graph's 4-in-flight limit is per mailbox, so two
 * connections of the same account (two visitors, or before a reconnect) share one gate.
 */
export function accountKey(c: Pick<Connection, 'id' | 'kind' | 'account' | 'serverUrl'>): string {
  if (!c.account) return `connection:${c.id}`;
  const account = c.account.toLowerCase();
  return c.kind === 'caldav' ? `caldav:${c.serverUrl ?? ''}:${account}` : `${c.kind}:${account}`;
}
