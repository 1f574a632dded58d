import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planPush, type PushFacts } from '../../../src/core/sync/plan.ts';
import { blankCopy, createSent, deletedByPerson, pushed, removed, type PushedCopy } from '../../../src/core/sync/copy.ts';

// planPush: what one push job does, from the facts alone. Each row is a situation a person can
// cause (save, unsave, edit, cancel, delete a copy, a lost answer), and the plan it must give.

const T = 1_000;
const connection = { mode: 'push' as const, targetCalendarId: 'cal-1' };
const event = (over: Partial<NonNullable<PushFacts['event']>> = {}) => ({ status: 'confirmed' as const, updatedAt: T, ...over });
const synced = (over: Partial<PushedCopy> = {}): PushedCopy => ({ ...pushed(createSent(blankCopy('c', 'e', 0), 'cal-1', 0), { remoteId: 'r1', etag: '"1"' }, { sequence: 0, updatedAt: T }, 0), ...over });
const facts = (over: Partial<PushFacts>): PushFacts => ({ connection, event: event(), saved: true, copy: null, ...over });

describe('planPush', () => {
  it('creates a wanted copy in the target calendar, and waits when there is none yet', () => {
    assert.deepEqual(planPush(facts({})), { action: 'create', calendarId: 'cal-1' });
    assert.deepEqual(planPush(facts({ connection: { mode: 'push', targetCalendarId: null } })), { action: 'wait', why: 'no_calendar' });
  });

  it('updates a live copy only when the event changed since it was pushed', () => {
    assert.deepEqual(planPush(facts({ copy: synced() })), { action: 'nothing', why: 'unchanged' });
    assert.deepEqual(planPush(facts({ event: event({ updatedAt: T + 1 }), copy: synced() })), { action: 'update', calendarId: 'cal-1', remoteId: 'r1', etag: '"1"' });
    // Marked pending after a failed try, but already up to date: settle it, send nothing.
    assert.deepEqual(planPush(facts({ copy: synced({ state: 'pending' }) })), { action: 'nothing', why: 'unchanged', settle: 'synced' });
  });

  it('deletes the copy when the event is cancelled, unsaved, or the connection only reads', () => {
    const remove = { action: 'delete', calendarId: 'cal-1', remoteId: 'r1', etag: '"1"' };
    assert.deepEqual(planPush(facts({ event: event({ status: 'cancelled' }), copy: synced() })), remove);
    assert.deepEqual(planPush(facts({ saved: false, copy: synced() })), remove);
    assert.deepEqual(planPush(facts({ connection: { mode: 'busy', targetCalendarId: 'cal-1' }, copy: synced() })), remove);
  });

  it('a re-save after an unsave makes a new copy (the removed one forgot its remote id)', () => {
    const gone = removed(synced(), 5);
    assert.equal(gone.remoteId, null);
    assert.equal(gone.generation, 1, 'the next create gets a new idempotency key');
    assert.deepEqual(planPush(facts({ copy: gone })), { action: 'create', calendarId: 'cal-1' });
    // ...and when that create fails once, the retry creates again, never "updates" a dead id.
    const failedOnce = { ...createSent(gone, 'cal-1', 6), lastError: '503' };
    assert.deepEqual(planPush(facts({ copy: failedOnce })), { action: 'create', calendarId: 'cal-1' });
  });

  it('a create whose answer was lost, then an unsave: the copy is found by its key and deleted', () => {
    const lost = createSent(blankCopy('c', 'e', 0), 'cal-1', 1);
    assert.deepEqual(planPush(facts({ saved: false, copy: lost })), { action: 'delete_unconfirmed', calendarId: 'cal-1' });
    assert.deepEqual(planPush(facts({ event: event({ status: 'cancelled' }), copy: { ...lost, state: 'failed' } })), { action: 'delete_unconfirmed', calendarId: 'cal-1' });
    // Never sent anywhere (no calendar recorded): nothing to find, only settle the state.
    assert.deepEqual(planPush(facts({ saved: false, copy: blankCopy('c', 'e', 0) })), { action: 'nothing', why: 'not_wanted', settle: 'removed' });
  });

  it('a copy the person deleted is left alone until they save again', () => {
    const theirs = deletedByPerson(synced(), 5);
    assert.deepEqual(planPush(facts({ event: event({ updatedAt: T + 10 }), copy: theirs })), { action: 'nothing', why: 'deleted_by_person' });
    assert.deepEqual(planPush(facts({ saved: false, copy: theirs })), { action: 'nothing', why: 'deleted_by_person' });
    // Saving again re-arms it (infra/db/push-jobs.ts rearmCopiesDeletedByPerson sets "removed").
    assert.deepEqual(planPush(facts({ copy: { ...theirs, state: 'removed' } })), { action: 'create', calendarId: 'cal-1' });
  });

  it('a copy whose calendar was deleted is made again in the new calendar', () => {
    // As infra/db/connection-repository.ts replaceLostCalendar leaves it.
    const lost: PushedCopy = { ...removed(synced(), 5), calendarId: null, state: 'pending' };
    assert.deepEqual(planPush(facts({ connection: { mode: 'push', targetCalendarId: 'cal-2' }, copy: lost })), { action: 'create', calendarId: 'cal-2' });
    assert.deepEqual(planPush(facts({ saved: false, copy: lost })), { action: 'nothing', why: 'not_wanted', settle: 'removed' });
  });

  it('nothing for an event that no longer exists and was never pushed', () => {
    assert.deepEqual(planPush(facts({ event: null })), { action: 'nothing', why: 'not_wanted' });
  });
});
