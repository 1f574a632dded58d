import type { CalendarEvent } from '../core/events/event.ts';
import type { ConnectionRepository } from '../infra/db/connection-repository.ts';
import type { CopyRepository } from '../infra/db/copy-repository.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { VisitorRepository } from '../infra/db/visitor-repository.ts';
import type { ProviderRegistry } from '../integrations/registry.ts';
import { ProviderError, type RemoteEventInput } from '../integrations/provider.ts';

// One push job = make one connection's copy of one event match the store. The job does not say
// "create" or "delete": it compares what should be there with what we pushed last, so retries,
// duplicates and out-of-order jobs all end in the same place.

export type PushOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped';

export interface PushSyncDeps {
  connections: ConnectionRepository;
  copies: CopyRepository;
  events: EventRepository;
  visitors: VisitorRepository;
  registry: ProviderRegistry;
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
  };
}

export type PushSync = ReturnType<typeof createPushSync>;

export function createPushSync(d: PushSyncDeps, publicUrl: string) {
  const clock = d.clock ?? Date.now;

  return {
    async reconcile(connectionId: string, eventId: string): Promise<PushOutcome> {
      const connection = await d.connections.get(connectionId);
      if (!connection) return 'skipped'; // disconnected: nothing left to do there
      if (connection.status === 'reconnect_required') throw new ProviderError('reconnect_required', connection.statusReason ?? 'reconnect needed');
      const [event, copy] = await Promise.all([d.events.findByIdOrSlug(eventId), d.copies.get(connectionId, eventId)]);
      const saved = event ? await d.visitors.hasSaved(connection.visitorId, event.id) : false;
      const hasCopy = copy?.remoteId != null && (copy.state === 'synced' || copy.state === 'failed' || copy.state === 'pending');
      const wanted = connection.mode === 'push' && event !== null && event.status !== 'cancelled' && saved && copy?.state !== 'deleted_by_person';
      const now = clock();

      if (!wanted) {
        if (!hasCopy || !copy?.remoteId) {
          // Never made (it was cancelled or unsaved while its create was still being retried):
          // the copy is not "pending" any more, there is simply nothing to do.
          if (copy && (copy.state === 'pending' || copy.state === 'failed')) await d.copies.put({ ...copy, state: 'removed', lastError: null, updatedAt: now });
          return 'skipped';
        }
        const provider = await d.registry.forConnection(connection);
        try {
          await provider.deleteEvent(copy.calendarId ?? '', { remoteId: copy.remoteId, etag: null });
        } catch (error) {
          if (!(error instanceof ProviderError) || error.code !== 'not_found') throw error;
        }
        await d.copies.put({ ...copy, state: 'removed', lastError: null, updatedAt: now });
        return 'deleted';
      }

      const remote = toRemoteEvent(event!, `${publicUrl}/events/${encodeURIComponent(event!.slug)}`);
      if (hasCopy && copy!.pushedVersion !== null && copy!.pushedVersion >= event!.updatedAt) return 'unchanged';
      const provider = await d.registry.forConnection(connection);
      if (!hasCopy) {
        const calendarId = connection.targetCalendarId;
        if (!calendarId) throw new ProviderError('temporary', 'the connection has no calendar to write to yet');
        const ref = await provider.createEvent(calendarId, remote);
        await d.copies.put({ connectionId, eventId, calendarId, remoteId: ref.remoteId, etag: ref.etag, sequence: event!.sequence, pushedVersion: event!.updatedAt, state: 'synced', lastError: null, updatedAt: now });
        return 'created';
      }
      try {
        const ref = await provider.updateEvent(copy!.calendarId ?? '', { remoteId: copy!.remoteId!, etag: copy!.etag }, remote);
        await d.copies.put({ ...copy!, etag: ref.etag, sequence: event!.sequence, pushedVersion: event!.updatedAt, state: 'synced', lastError: null, updatedAt: now });
        return 'updated';
      } catch (error) {
        if (error instanceof ProviderError && error.code === 'not_found') {
          // The person deleted our copy: respect that and never put it back.
          await d.copies.put({ ...copy!, state: 'deleted_by_person', lastError: 'removed from the calendar by its owner', updatedAt: now });
          return 'skipped';
        }
        if (error instanceof ProviderError && error.code === 'conflict') {
          // Changed on their side meanwhile: the organizer's version wins, without the etag.
          const ref = await provider.updateEvent(copy!.calendarId ?? '', { remoteId: copy!.remoteId!, etag: null }, remote);
          await d.copies.put({ ...copy!, etag: ref.etag, sequence: event!.sequence, pushedVersion: event!.updatedAt, state: 'synced', lastError: null, updatedAt: now });
          return 'updated';
        }
        throw error;
      }
    },
  };
}
