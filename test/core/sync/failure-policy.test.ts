import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, decideOnFailure, DEFAULT_FAILURE_POLICY, type Failure } from '../../../src/core/sync/failure-policy.ts';

const now = 1_000_000;
const failure = (over: Partial<Failure>): Failure => ({ code: 'temporary', message: 'boom', operation: 'update', attempt: 1, now, ...over });

describe('push failure policy', () => {
  it('honours Retry-After exactly for rate limits', () => {
    assert.deepEqual(decideOnFailure(failure({ code: 'rate_limited', retryAfterMs: 7000 })), { kind: 'retry', at: now + 7000 });
  });

  it('backs off exponentially with jitter when no retry time is given, and gives up after N attempts', () => {
    const maxRandom = () => 1; // the top of the jitter range
    const waits = [1, 2, 3, 4].map((attempt) => (decideOnFailure(failure({ attempt }), DEFAULT_FAILURE_POLICY, maxRandom) as { at: number }).at - now);
    assert.deepEqual(waits, [2000, 4000, 8000, 16000]);
    assert.equal(backoffMs(30, DEFAULT_FAILURE_POLICY, maxRandom), DEFAULT_FAILURE_POLICY.maxDelayMs);
    const spread = new Set(Array.from({ length: 20 }, () => backoffMs(5, DEFAULT_FAILURE_POLICY)));
    assert.ok(spread.size > 10, 'jitter spreads retries');
    const last = decideOnFailure(failure({ attempt: DEFAULT_FAILURE_POLICY.maxAttempts }));
    assert.equal(last.kind, 'dead_letter');
  });

  it('parks the connection on a dead grant, and treats a deleted copy per operation', () => {
    assert.deepEqual(decideOnFailure(failure({ code: 'reconnect_required' })), { kind: 'park_connection' });
    assert.deepEqual(decideOnFailure(failure({ code: 'not_found', operation: 'update' })), { kind: 'copy_deleted_by_person' });
    assert.deepEqual(decideOnFailure(failure({ code: 'not_found', operation: 'delete' })), { kind: 'done' });
  });

  it('sends permanent errors to the dead-letter list after a few tries, with the reason', () => {
    assert.equal(decideOnFailure(failure({ code: 'permanent', attempt: 1 })).kind, 'retry');
    assert.deepEqual(decideOnFailure(failure({ code: 'permanent', attempt: 3, message: 'invalid time zone' })), { kind: 'dead_letter', reason: 'invalid time zone' });
  });
});
