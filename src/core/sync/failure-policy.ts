// What to do when a push to a provider fails: one decision per error code, in one place
// (issue 5). The worker applies the decision; nothing else interprets provider errors.

/** The few outcomes every provider error is reduced to (integrations/provider.ts maps them). */
export const PROVIDER_ERROR_CODES = [
  'unauthorized', // the access token was refused: refresh and retry once
  'reconnect_required', // the grant is dead (invalid_grant, revoked): the person must reconnect
  'not_found', // the calendar or event is gone (the person deleted it)
  'conflict', // it already exists (idempotent create) or changed meanwhile (etag)
  'rate_limited', // slow down; retryAfterMs when the provider said
  'temporary', // 5xx, timeout, network: retry with backoff
  'permanent', // the request itself is wrong: retrying will not help
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export type PushOperation = 'create' | 'update' | 'delete';

export type FailureDecision =
  /** Try again at `at` (epoch ms). */
  | { kind: 'retry'; at: number }
  /** Stop this connection's jobs until the person reconnects; keep them. */
  | { kind: 'park_connection' }
  /** The person deleted our copy: remember that and never recreate it. */
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

export const DEFAULT_FAILURE_POLICY: FailurePolicyOptions = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 30 * 60_000 };

/** Exponential backoff with full jitter: a random wait up to base·2^(attempt-1), capped. */
export function backoffMs(attempt: number, o: FailurePolicyOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random());
}

export interface Failure {
  code: ProviderErrorCode;
  message: string;
  retryAfterMs?: number;
  operation: PushOperation;
  /** 1 for the first failed try. */
  attempt: number;
  now: number;
}

export function decideOnFailure(f: Failure, o: FailurePolicyOptions = DEFAULT_FAILURE_POLICY, random: () => number = Math.random): FailureDecision {
  const retry = (): FailureDecision =>
    f.attempt >= o.maxAttempts
      ? { kind: 'dead_letter', reason: `gave up after ${f.attempt} attempts: ${f.message}` }
      : { kind: 'retry', at: f.now + backoffMs(f.attempt, o, random) };
  switch (f.code) {
    case 'rate_limited':
      // The provider said when: honour it exactly (but never wait beyond the cap).
      if (f.retryAfterMs !== undefined) return f.attempt >= o.maxAttempts * 2 ? { kind: 'dead_letter', reason: f.message } : { kind: 'retry', at: f.now + Math.min(f.retryAfterMs, o.maxDelayMs) };
      return retry();
    case 'temporary':
    case 'unauthorized': // the token was refused once: the next try refreshes it
    case 'conflict': // the copy changed meanwhile: the next try reads it again
      return retry();
    case 'reconnect_required':
      return { kind: 'park_connection' };
    case 'not_found':
      return f.operation === 'delete' ? { kind: 'done' } : { kind: 'copy_deleted_by_person' };
    case 'permanent':
      return f.attempt >= Math.min(3, o.maxAttempts) ? { kind: 'dead_letter', reason: f.message } : retry();
  }
}
