import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, decideOnFailure, DEFAULT_FAILURE_POLICY, type Failure, type FailureDecision, type SyncOperation } from '../../../src/core/sync/failure-policy.ts';
import { googleError } from '../../../src/integrations/google/errors.ts';
import { graphError } from '../../../src/integrations/microsoft/errors.ts';
import { caldavError } from '../../../src/integrations/caldav/errors.ts';
import type { ProviderError } from '../../../src/integrations/provider.ts';

// One failure decision per provider answer: literal answers as the providers document them, put
// through the adapter's error mapping, then through the policy. The policy is the only place that
// decides; this table is the place to read what each answer does to a person's copy.

const now = 1_000_000;
const failure = (over: Partial<Failure>): Failure => ({ code: 'temporary', message: 'boom', operation: 'update', attempt: 1, now, ...over });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers: new Headers({ 'content-type': 'application/json', ...headers }), body });

// Google Calendar API errors: https://developers.google.com/workspace/calendar/api/guides/errors
const google = {
  authError: json(401, { error: { code: 401, message: 'Invalid Credentials', errors: [{ domain: 'global', reason: 'authError', message: 'Invalid Credentials', locationType: 'header', location: 'Authorization' }] } }),
  rateLimitExceeded: json(403, { error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }] } }),
  userRateLimit429: json(429, { error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }] } }),
  quotaExceeded: json(403, { error: { code: 403, message: 'Calendar usage limits exceeded.', errors: [{ domain: 'usageLimits', reason: 'quotaExceeded', message: 'Calendar usage limits exceeded.' }] } }),
  notFound: json(404, { error: { code: 404, message: 'Not Found', errors: [{ domain: 'global', reason: 'notFound', message: 'Not Found' }] } }),
  deleted: json(410, { error: { code: 410, message: 'Resource has been deleted', errors: [{ domain: 'global', reason: 'deleted', message: 'Resource has been deleted' }] } }),
  backendError: json(500, { error: { code: 500, message: 'Backend Error', errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }] } }),
  invalid: json(400, { error: { code: 400, message: 'Invalid value', errors: [{ domain: 'global', reason: 'invalid', message: 'Invalid value' }] } }),
};

// Microsoft Graph errors: https://learn.microsoft.com/en-us/graph/errors
const graphBody = (code: string, message: string) => ({ error: { code, message, innerError: { date: '2026-12-02T18:00:00', 'request-id': 'r', 'client-request-id': 'c' } } });
const graph = {
  invalidToken: json(401, graphBody('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.')),
  throttled: json(429, graphBody('TooManyRequests', 'Too many requests'), { 'retry-after': '7' }),
  unavailable: json(503, graphBody('ServiceNotAvailable', 'Service unavailable'), { 'retry-after': '3' }),
  itemNotFound: json(404, graphBody('ErrorItemNotFound', 'The specified object was not found in the store.')),
  zoneRefused: json(400, graphBody('TimeZoneNotSupportedException', "A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Europe/Madrid'.")),
  accessDenied: json(403, graphBody('ErrorAccessDenied', 'Access is denied. Check credentials and try again.')),
};

// CalDAV (RFC 4791 over WebDAV): status codes only.
const caldav = (status: number, headers: Record<string, string> = {}) => caldavError(new Response(null, { status, headers }), 'push');

interface Row {
  answer: string;
  error: ProviderError;
  operation: SyncOperation;
  /** The decision's kind, and for retries how long the wait is when the provider said. */
  expected: FailureDecision['kind'];
  waitMs?: number;
  attempt?: number;
}

const rows: Row[] = [
  { answer: 'Google 401 authError (after the one refresh)', error: googleError(google.authError, 'push'), operation: 'update', expected: 'retry' },
  { answer: 'Google 401 authError, third time in a row', error: googleError(google.authError, 'push'), operation: 'update', expected: 'reconnect', attempt: 3 },
  { answer: 'Google 403 rateLimitExceeded', error: googleError(google.rateLimitExceeded, 'push'), operation: 'create', expected: 'retry' },
  { answer: 'Google 429 rateLimitExceeded', error: googleError(google.userRateLimit429, 'push'), operation: 'create', expected: 'retry' },
  { answer: 'Google 403 quotaExceeded (an hour)', error: googleError(google.quotaExceeded, 'push'), operation: 'create', expected: 'retry', waitMs: 3_600_000 > DEFAULT_FAILURE_POLICY.maxDelayMs ? DEFAULT_FAILURE_POLICY.maxDelayMs : 3_600_000 },
  { answer: 'Google 404 notFound on update', error: googleError(google.notFound, 'push'), operation: 'update', expected: 'copy_deleted_by_person' },
  { answer: 'Google 404 notFound on delete', error: googleError(google.notFound, 'push'), operation: 'delete', expected: 'done' },
  { answer: 'Google 410 deleted on delete', error: googleError(google.deleted, 'push'), operation: 'delete', expected: 'done' },
  { answer: 'Google 500 backendError', error: googleError(google.backendError, 'push'), operation: 'update', expected: 'retry' },
  { answer: 'Google 400 invalid, third try', error: googleError(google.invalid, 'push'), operation: 'create', expected: 'dead_letter', attempt: 3 },
  { answer: 'Graph 401 InvalidAuthenticationToken', error: graphError(graph.invalidToken, 'push'), operation: 'create', expected: 'retry' },
  { answer: 'Graph 429 with Retry-After: 7', error: graphError(graph.throttled, 'push'), operation: 'create', expected: 'retry', waitMs: 7000 },
  { answer: 'Graph 503 with Retry-After: 3', error: graphError(graph.unavailable, 'push'), operation: 'update', expected: 'retry', waitMs: 3000 },
  { answer: 'Graph 404 ErrorItemNotFound on update', error: graphError(graph.itemNotFound, 'push'), operation: 'update', expected: 'copy_deleted_by_person' },
  { answer: 'Graph 404 ErrorItemNotFound on delete', error: graphError(graph.itemNotFound, 'push'), operation: 'delete_unconfirmed', expected: 'done' },
  { answer: 'Graph 404 on create, calendar still there', error: graphError(graph.itemNotFound, 'push'), operation: 'create', expected: 'retry' },
  { answer: 'Graph 400 TimeZoneNotSupportedException, third try', error: graphError(graph.zoneRefused, 'push'), operation: 'create', expected: 'dead_letter', attempt: 3 },
  { answer: 'Graph 403 ErrorAccessDenied (consent withdrawn)', error: graphError(graph.accessDenied, 'push'), operation: 'update', expected: 'reconnect' },
  { answer: 'CalDAV 401', error: caldav(401), operation: 'update', expected: 'reconnect' },
  { answer: 'CalDAV 404 on update', error: caldav(404), operation: 'update', expected: 'copy_deleted_by_person' },
  { answer: 'CalDAV 404 on delete', error: caldav(404), operation: 'delete', expected: 'done' },
  { answer: 'CalDAV 412 (changed again while we retried)', error: caldav(412), operation: 'update', expected: 'retry' },
  { answer: 'CalDAV 503 with Retry-After: 5', error: caldav(503, { 'retry-after': '5' }), operation: 'create', expected: 'retry', waitMs: 5000 },
  { answer: 'CalDAV 507 Insufficient Storage', error: caldav(507), operation: 'create', expected: 'retry' },
];

describe('push failure policy: one decision per provider answer', () => {
  for (const row of rows) {
    it(`${row.answer} -> ${row.expected} (${row.operation})`, () => {
      const e = row.error;
      const decision = decideOnFailure({ code: e.code, message: e.message, retryAfterMs: e.retryAfterMs, operation: row.operation, attempt: row.attempt ?? 1, now });
      assert.equal(decision.kind, row.expected, `${row.answer} was read as ${e.code}`);
      if (row.waitMs !== undefined) assert.deepEqual(decision, { kind: 'retry', at: now + row.waitMs });
    });
  }

  it('a calendar that is gone is made again, except when we only meant to delete from it', () => {
    for (const operation of ['create', 'update'] as const) assert.deepEqual(decideOnFailure(failure({ code: 'calendar_not_found', operation })), { kind: 'recreate_calendar' });
    for (const operation of ['delete', 'delete_unconfirmed'] as const) assert.deepEqual(decideOnFailure(failure({ code: 'calendar_not_found', operation })), { kind: 'done' });
  });

  it('a dead grant parks the work for a reconnect; it never dead-letters it', () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      assert.equal(decideOnFailure(failure({ code: 'reconnect_required', attempt })).kind, 'reconnect');
    }
  });
});

describe('push failure policy: backoff', () => {
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
    assert.equal(decideOnFailure(failure({ attempt: DEFAULT_FAILURE_POLICY.maxAttempts })).kind, 'dead_letter');
  });

  it('sends permanent errors to the dead-letter list after a few tries, with the reason', () => {
    assert.equal(decideOnFailure(failure({ code: 'permanent', attempt: 1 })).kind, 'retry');
    assert.deepEqual(decideOnFailure(failure({ code: 'permanent', attempt: 3, message: 'invalid time zone' })), { kind: 'dead_letter', reason: 'invalid time zone' });
  });
});
