import type { CalendarEvent } from '../core/events/event.ts';
import { APP_CALENDAR_NAME } from '../core/sync/connection.ts';
import { blankCopy, createSent, deletedByPerson, pushed, removed, type PushedCopy } from '../core/sync/copy.ts';
import type { FailureDecision, SyncOperation } from '../core/sync/failure-policy.ts';
import { planPush, type PushPlan } from '../core/sync/plan.ts';
import type { ConnectionRepository } from '../infra/db/connection-repository.ts';
import type { CopyRepository } from '../infra/db/copy-repository.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { VisitorRepository } from '../infra/db/visitor-repository.ts';
import type { PushFactsReader } from '../infra/db/push-facts.ts';
import type { ProviderRegistry } from '../integrations/registry.ts';
import { ProviderError, type CalendarProvider, type RemoteEventInput } from '../integrations/provider.ts';
import { isSeries } from '../core/recurrence/occurrences.ts';
import { remoteRecurrence } from './remote-series.ts';

// One push job = make one connection's copy of one event match the store. The job does not say
// "create" or "delete": core/sync/plan.ts compares what should be there with what we pushed
// last, and this file carries the plan out. What a failure means is decided by
// core/sync/failure-policy.ts (the worker asks it); the copy's side of that decision is here.

export type PushOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped';

/** A provider failure, with the operation it happened in (the policy decides per operation). */
export class PushFailure extends Error {
  readonly error: ProviderError;
  readonly operation: SyncOperation;
  /** The calendar the operation was on (the one to make again when it is gone). */
  readonly calendarId: string | null;
  constructor(error: ProviderError, operation: SyncOperation, calendarId: string | null = null) {
    super(error.message, { cause: error });
    this.error = error;
    this.operation = operation;
    this.calendarId = calendarId;
  }
}

export interface PushSyncDeps {
  connections: ConnectionRepository;
  copies: CopyRepository;
  events: EventRepository;
  visitors: VisitorRepository;
  registry: ProviderRegistry;
  /** Connection, copy and "saved" in one query (infra/db/push-facts.ts); else three reads. */
  facts?: PushFactsReader;
  clock?: () => number;
}

export function toRemoteEvent(e: CalendarEvent, pageUrl: string): RemoteEventInput {
  return {
    uid: e.uid,
    sequence: e.sequence,
    updatedAt: e.updatedAt,
    title: e.title,
    description: e.description,
    location: e.location,
    url: e.url ?? pageUrl,
    allDay: e.allDay,
    start: e.start,
    end: e.end,
    timezone: e.timezone,
    startUtc: e.startUtc,
    endUtc: e.endUtc,
    status: e.status === 'tentative' ? 'tentative' : 'confirmed',
    ...(isSeries(e) ? { recurrence: remoteRecurrence(e) } : {}),
  };
}

export type PushSync = ReturnType<typeof createPushSync>;

export function createPushSync(d: PushSyncDeps, publicUrl: string) {
  const clock = d.clock ?? Date.now;
  const readFacts: PushFactsReader =
    d.facts ??
    (async (connectionId, eventId) => {
      const connection = await d.connections.get(connectionId);
      if (!connection) return { connection, copy: null, saved: false };
      const [copy, saved] = await Promise.all([d.copies.get(connectionId, eventId), d.visitors.hasSaved(connection.visitorId, eventId)]);
      return { connection, copy, saved };
    });
  const remoteOf = (e: CalendarEvent) => toRemoteEvent(e, `${publicUrl}/events/${encodeURIComponent(e.slug)}`);

  /**
   * Runs one provider call of `operation`. "Not found" from a create or an update is ambiguous
   * (Graph answers ErrorItemNotFound for a deleted calendar and for a deleted event alike): the
   * calendar is asked for, so a deleted calendar is never taken for a copy the person deleted.
   */
  async function attempt<T>(provider: CalendarProvider, operation: SyncOperation, calendarId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      let e = error instanceof ProviderError ? error : new ProviderError('temporary', (error as Error)?.message ?? 'failed', { cause: error });
      if (e.code === 'not_found' && (operation === 'create' || operation === 'update')) {
        try {
          if (!(await provider.calendarExists(calendarId))) e = new ProviderError('calendar_not_found', `${e.message} (the calendar itself is gone)`, { status: e.status, cause: e });
        } catch (probe) {
          e = probe instanceof ProviderError ? probe : e;
        }
      }
      throw new PushFailure(e, operation, calendarId);
    }
  }

  async function carryOut(plan: Exclude<PushPlan, { action: 'nothing' | 'wait' }>, copy: PushedCopy, event: CalendarEvent, provider: CalendarProvider): Promise<PushOutcome> {
    const version = { sequence: event.sequence, updatedAt: event.updatedAt };
    switch (plan.action) {
      case 'create': {
        // Written before the create is sent: if its answer is lost, a later unsave still knows
        // a copy may exist, and where (core/sync/plan.ts "delete_unconfirmed").
        const sent = createSent(copy, plan.calendarId, clock());
        await d.copies.put(sent);
        const ref = await attempt(provider, 'create', plan.calendarId, () => provider.createEvent(plan.calendarId, remoteOf(event), sent.generation));
        await d.copies.put(pushed(sent, ref, version, clock()));
        return 'created';
      }
      case 'update': {
        try {
          const ref = await attempt(provider, 'update', plan.calendarId, () => provider.updateEvent(plan.calendarId, { remoteId: plan.remoteId, etag: plan.etag }, remoteOf(event)));
          await d.copies.put(pushed(copy, ref, version, clock()));
          return 'updated';
        } catch (error) {
          // Deleted by the person, who has since saved the event again: they want it back.
          if (!(error instanceof PushFailure && error.error.code === 'not_found' && copy.requestedAgain)) throw error;
          const again = removed(copy, clock());
          await d.copies.put(again);
          return carryOut({ action: 'create', calendarId: plan.calendarId }, again, event, provider);
        }
      }
      case 'delete':
        await attempt(provider, 'delete', plan.calendarId, () => provider.deleteEvent(plan.calendarId, { remoteId: plan.remoteId, etag: plan.etag }));
        await d.copies.put(removed(copy, clock()));
        return 'deleted';
      case 'delete_unconfirmed':
        await attempt(provider, 'delete_unconfirmed', plan.calendarId, () => provider.deleteUnconfirmed(plan.calendarId, remoteOf(event), copy.generation));
        await d.copies.put(removed(copy, clock()));
        return 'deleted';
    }
  }

  return {
    /**
     * An event reader for one batch of jobs: each event read once (a fan-out's jobs all push the
     * same event). Safe to share within a batch: an edit after the read queues a job of its own,
     * which the claim holds back until this one is done, and which a later batch reads afresh.
     */
    batchEventReader(): (eventId: string) => Promise<CalendarEvent | null> {
      const read = new Map<string, Promise<CalendarEvent | null>>();
      return (eventId) => {
        let event = read.get(eventId);
        if (!event) {
          event = d.events.findByIdOrSlug(eventId);
          event.catch(() => read.delete(eventId)); // a failed read is not shared
          read.set(eventId, event);
        }
        return event;
      };
    },

    /** Makes the copy match the store; throws PushFailure when a provider call fails. */
    async reconcile(connectionId: string, eventId: string, readEvent: (eventId: string) => Promise<CalendarEvent | null> = d.events.findByIdOrSlug): Promise<PushOutcome> {
      const [facts, event] = await Promise.all([readFacts(connectionId, eventId), readEvent(eventId)]);
      const { connection, copy } = facts;
      if (!connection) return 'skipped'; // disconnected: nothing left to do there
      // Jobs name events by id; a slug (never queued today) is checked the long way.
      const saved = !event ? false : event.id === eventId ? facts.saved : await d.visitors.hasSaved(connection.visitorId, event.id);
      const plan = planPush({ connection, event, saved, copy });
      const now = clock();
      if (plan.action === 'nothing') {
        if (plan.settle && copy) await d.copies.put(plan.settle === 'removed' ? { ...copy, state: 'removed', lastError: null, updatedAt: now } : { ...copy, state: 'synced', lastError: null, updatedAt: now });
        return plan.why === 'unchanged' ? 'unchanged' : 'skipped';
      }
      if (plan.action === 'wait') throw new PushFailure(new ProviderError('temporary', 'the connection has no calendar to write to yet'), 'create');
      if (connection.status === 'reconnect_required') throw new PushFailure(new ProviderError('reconnect_required', connection.statusReason ?? 'reconnect needed'), plan.action);
      const provider = await d.registry.forConnection(connection);
      return carryOut(plan, copy ?? blankCopy(connectionId, eventId, now), event!, provider);
    },

    /** The copy's side of a failure decision (the worker handles the job's side). */
    async applyDecision(connectionId: string, eventId: string, operation: SyncOperation, decision: FailureDecision): Promise<void> {
      const copy = await d.copies.get(connectionId, eventId);
      if (!copy) return;
      if (decision.kind === 'copy_deleted_by_person') await d.copies.put(deletedByPerson(copy, clock()));
      // Deleting what is already gone met the goal.
      if (decision.kind === 'done' && (operation === 'delete' || operation === 'delete_unconfirmed')) await d.copies.put(removed(copy, clock()));
    },

    /**
     * The calendar we write into was deleted: make ours again and push everything saved into it.
     * Runs as its own job, one at a time per connection, so many failing copies make one calendar.
     */
    async repairCalendar(connectionId: string, goneCalendarId: string): Promise<'recreated' | 'skipped'> {
      const connection = await d.connections.get(connectionId);
      if (!connection || connection.targetCalendarId !== goneCalendarId) return 'skipped';
      if (connection.status === 'reconnect_required') throw new PushFailure(new ProviderError('reconnect_required', connection.statusReason ?? 'reconnect needed'), 'create_calendar');
      const provider = await d.registry.forConnection(connection);
      // Made again already (an earlier repair; CalDAV makes ours at a fixed address), or never
      // gone: its copies are there, and forgetting them would make duplicates.
      if (await attempt(provider, 'create_calendar', goneCalendarId, () => provider.calendarExists(goneCalendarId))) return 'skipped';
      const calendar = await attempt(provider, 'create_calendar', goneCalendarId, () => provider.createCalendar(APP_CALENDAR_NAME, 'UTC'));
      await d.connections.replaceLostCalendar(connectionId, goneCalendarId, calendar, clock());
      return 'recreated';
    },
  };
}
