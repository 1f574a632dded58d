// What to do when a provider call fails: one decision per error code and operation, in one
// place. Adapters reduce their provider's answers to these codes; the worker applies the
// decision; nothing else interprets provider errors.

/** The few outcomes every provider error is reduced to (integrations/*\/errors.ts map them). */
export const PROVIDER_ERROR_CODES = [
  'unauthorized', // the access token was refused even after one immediate refresh
  'reconnect_required', // the grant is dead (revoked, expired, consent or MFA needed): the person must reconnect
  'calendar_not_found', // the calendar we write into is gone (the person deleted it)
  'not_found', // the copy is gone (the person deleted it), or never existed
  'conflict', // it changed meanwhile (etag) and could not be brought up to date in this try
  'rate_limited', // slow down; retryAfterMs when the provider said
  'temporary', // 5xx, timeout, network: retry with backoff
  'permanent', // the request itself is wrong: retrying will not help
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

/** The real operation that failed (core/sync/plan.ts), or making the app's calendar again. */
export type SyncOperation = 'create' | 'update' | 'delete' | 'delete_unconfirmed' | 'create_calendar';

export type FailureDecision =
  /** Try again at `at` (epoch ms). */
  | { kind: 'retry'; at: number }
  /** The grant is dead: park this connection's jobs (kept, not failed) until the person reconnects. */
  | { kind: 'reconnect'; reason: string }
  /** The target calendar is gone: make it again and push everything that should be there. */
  | { kind: 'recreate_calendar' }
  /** The person deleted our copy: remember that, and do not put it back until they save again. */
  | { kind: 'copy_deleted_by_person' }
  /** The goal is already met (deleting what is gone). */
  | { kind: 'done' }
  /** Give up: the dead-letter list, with the reason shown to the person and the organizer. */
  | { kind: 'dead_letter'; reason: string };

export interface FailurePolicyOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * 16 tries: the waits double from 2 s to the 30-minute cap, so a copy is given up only after
 * about 2–3 hours of a provider failing (an outage delays a push, it does not drop it).
 */
export const DEFAULT_FAILURE_POLICY: FailurePolicyOptions = { maxAttempts: 16, baseDelayMs: 2_000, maxDelayMs: 30 * 60_000 };

/** A token refused again right after a refresh this many times means the access is gone. */
const UNAUTHORIZED_TRIES = 3;

/** Exponential backoff with full jitter: a random wait up to base·2^(attempt-1), capped. */
export function backoffMs(attempt: number, o: FailurePolicyOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random());
}

export interface Failure {
  code: ProviderErrorCode;
  message: string;
  retryAfterMs?: number;
  operation: SyncOperation;
  /** 1 for the first failed try. */
  attempt: number;
  now: number;
}

export function decideOnFailure(f: Failure, o: FailurePolicyOptions = DEFAULT_FAILURE_POLICY, random: () => number = Math.random): FailureDecision {
  const retry = (): FailureDecision =>
    f.attempt >= o.maxAttempts
      ? { kind: 'dead_letter', reason: `gave up after ${f.attempt} attempts: ${f.message}` }
      : { kind: 'retry', at: f.now + backoffMs(f.attempt, o, random) };
  const removing = f.operation === 'delete' || f.operation === 'delete_unconfirmed';
  switch (f.code) {
    case 'rate_limited':
      // The provider said when: honour it exactly (but never wait beyond the cap).
      if (f.retryAfterMs !== undefined) return f.attempt >= o.maxAttempts * 2 ? { kind: 'dead_letter', reason: f.message } : { kind: 'retry', at: f.now + Math.min(f.retryAfterMs, o.maxDelayMs) };
      return retry();
    case 'temporary':
    case 'conflict': // changed again while we brought it up to date: the next try reads it again
      return retry();
    case 'unauthorized':
      // The adapter already refreshed once and was refused again: a few more tries, then the
      // access is as good as revoked (a reconnect, never a dead letter).
      return f.attempt >= UNAUTHORIZED_TRIES ? { kind: 'reconnect', reason: f.message } : retry();
    case 'reconnect_required':
      return { kind: 'reconnect', reason: f.message };
    case 'calendar_not_found':
      // Deleting from a calendar that is gone: nothing is left to delete.
      return removing ? { kind: 'done' } : { kind: 'recreate_calendar' };
    case 'not_found':
      if (removing) return { kind: 'done' };
      if (f.operation === 'update') return { kind: 'copy_deleted_by_person' };
      // A create (or our calendar's create) answered "not found" while the calendar exists:
      // nothing we can name is gone, so it is treated as a passing fault.
      return retry();
    case 'permanent':
      return f.attempt >= Math.min(3, o.maxAttempts) ? { kind: 'dead_letter', reason: f.message } : retry();
  }
}
