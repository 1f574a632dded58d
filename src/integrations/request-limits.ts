import { GateBusyError, type RequestLimits } from '../infra/db/request-gate.ts';
import { ProviderError, type CalendarProvider, type ProviderKind } from './provider.ts';

// What each provider allows one connected account, enforced across every process through the
// request gate (reference/providers.md §2, §3). Staying under the limits is cheaper than
// meeting them: a 429 costs a round trip and a wait.
export const PROVIDER_REQUEST_LIMITS: Record<ProviderKind, RequestLimits> = {
  // Google's default per-user quota is 600 requests a minute: 10 a second at most.
  google: { concurrent: 4, minIntervalMs: 100 },
  // Graph: 4 requests in flight per mailbox, 10,000 per 10 minutes (~16 a second).
  microsoft: { concurrent: 4, minIntervalMs: 60 },
  // CalDAV servers are often small self-hosted machines: be gentle, no fixed rate.
  caldav: { concurrent: 2, minIntervalMs: 0 },
};

/** The same provider, with every call passing through the account's gate first. */
/** The shared gate (infra/db/request-gate.ts): waits for a slot, gives the release back. */
export interface RequestGatePort {
  enter(key: string, limits: RequestLimits): Promise<() => Promise<void>>;
}

/**
 * The same provider, with every call passing through its account's gate first. `accountKey`
 * names the account (core/sync/connection.ts): the provider's limits are per mailbox, not per
 * connection.
 */
export function withRequestLimits(provider: CalendarProvider, accountKey: string, gate: RequestGatePort, limits: RequestLimits = PROVIDER_REQUEST_LIMITS[provider.kind]): CalendarProvider {
  async function gated<T>(call: () => Promise<T>): Promise<T> {
    let release: () => Promise<void>;
    try {
      release = await gate.enter(accountKey, limits);
    } catch (error) {
      if (error instanceof GateBusyError) throw new ProviderError('rate_limited', error.message, { retryAfterMs: error.retryAfterMs });
      throw error;
    }
    try {
      return await call();
    } finally {
      await release().catch(() => {}); // the slot lease runs out by itself
    }
  }
  return {
    kind: provider.kind,
    listCalendars: () => gated(() => provider.listCalendars()),
    createCalendar: (name, timezone) => gated(() => provider.createCalendar(name, timezone)),
    calendarExists: (calendarId) => gated(() => provider.calendarExists(calendarId)),
    createEvent: (calendarId, event, generation) => gated(() => provider.createEvent(calendarId, event, generation)),
    updateEvent: (calendarId, ref, event) => gated(() => provider.updateEvent(calendarId, ref, event)),
    deleteEvent: (calendarId, ref) => gated(() => provider.deleteEvent(calendarId, ref)),
    deleteUnconfirmed: (calendarId, event, generation) => gated(() => provider.deleteUnconfirmed(calendarId, event, generation)),
    busyIntervals: (calendarIds, from, to) => gated(() => provider.busyIntervals(calendarIds, from, to)),
    ...(provider.account ? { account: () => gated(() => provider.account!()) } : {}),
    ...(provider.discover ? { discover: () => gated(() => provider.discover!()) } : {}),
  };
}
