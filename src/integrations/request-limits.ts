import { GateBusyError, type RequestGate, type RequestLimits } from '../infra/db/request-gate.ts';
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
export function withRequestLimits(provider: CalendarProvider, connectionId: string, gate: RequestGate, limits: RequestLimits = PROVIDER_REQUEST_LIMITS[provider.kind]): CalendarProvider {
  async function gated<T>(call: () => Promise<T>): Promise<T> {
    let release: () => Promise<void>;
    try {
      release = await gate.enter(connectionId, limits);
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
    createEvent: (calendarId, event) => gated(() => provider.createEvent(calendarId, event)),
    updateEvent: (calendarId, ref, event) => gated(() => provider.updateEvent(calendarId, ref, event)),
    deleteEvent: (calendarId, ref) => gated(() => provider.deleteEvent(calendarId, ref)),
    busyIntervals: (calendarIds, from, to) => gated(() => provider.busyIntervals(calendarIds, from, to)),
  };
}
