import type { CalendarEvent } from '../core/events/event.ts';
import { cancelOccurrence, changeOccurrence, NoSuchOccurrenceError, type OccurrenceChange, type OccurrencePatch } from '../core/events/occurrence-rules.ts';
import { occurrencesBetween, type ResolvedOccurrence } from '../core/recurrence/occurrences.ts';
import { ConcurrentUpdateError, type EventRepository } from '../infra/db/event-repository.ts';
import { NotFoundError } from './errors.ts';

// One occurrence of a series: list, change, cancel. A change is saved as a change to the
// series (same row, same transaction, same feed bumps and push jobs as any event update).

export interface OccurrenceUseCasesDeps {
  events: EventRepository;
  clock?: () => number;
}

export type OccurrenceUseCases = ReturnType<typeof createOccurrenceUseCases>;

export function createOccurrenceUseCases(deps: OccurrenceUseCasesDeps) {
  const clock = deps.clock ?? Date.now;

  async function mustFind(idOrSlug: string): Promise<CalendarEvent> {
    const event = await deps.events.findByIdOrSlug(idOrSlug);
    if (!event) throw new NotFoundError(`no event "${idOrSlug}"`);
    return event;
  }

  async function change(idOrSlug: string, apply: (e: CalendarEvent, now: number) => OccurrenceChange): Promise<OccurrenceChange> {
    for (let attempt = 1; ; attempt++) {
      const current = await mustFind(idOrSlug);
      let result: OccurrenceChange;
      try {
        result = apply(current, clock());
      } catch (error) {
        if (error instanceof NoSuchOccurrenceError) throw new NotFoundError(error.message);
        throw error;
      }
      if (result.changed.length === 0) return result;
      try {
        await deps.events.update(current, result.event, result.changed);
        return result;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 5) throw error;
      }
    }
  }

  return {
    /** Occurrences overlapping [from, to), cancelled ones included; a one-off event is one occurrence. */
    async list(idOrSlug: string, from: number, to: number): Promise<{ event: CalendarEvent; items: ResolvedOccurrence[] }> {
      const event = await mustFind(idOrSlug);
      return { event, items: occurrencesBetween(event, from, to) };
    },
    update: (idOrSlug: string, occurrence: string, patch: OccurrencePatch) =>
      change(idOrSlug, (e, now) => changeOccurrence(e, occurrence, patch, now)),
    cancel: (idOrSlug: string, occurrence: string) => change(idOrSlug, (e, now) => cancelOccurrence(e, occurrence, now)),
  };
}
