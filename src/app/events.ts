import type { CalendarEvent } from '../core/events/event.ts';
import { applyEventPatch, cancelEvent, createEvent, restoreEvent, type EventPatch, type NewEventInput } from '../core/events/rules.ts';
import { ConcurrentUpdateError, type EventListQuery, type EventRepository } from '../infra/db/event-repository.ts';
import { NotFoundError } from './errors.ts';

export interface EventUseCasesDeps {
  events: EventRepository;
  uidDomain: string;
  clock?: () => number;
}

export type EventUseCases = ReturnType<typeof createEventUseCases>;

export function createEventUseCases(deps: EventUseCasesDeps) {
  const clock = deps.clock ?? Date.now;

  async function mustFind(idOrSlug: string): Promise<CalendarEvent> {
    const event = await deps.events.findByIdOrSlug(idOrSlug);
    if (!event) throw new NotFoundError(`no event "${idOrSlug}"`);
    return event;
  }

  /** Read, change, save; on a concurrent writer, start again from what it wrote. */
  async function change(idOrSlug: string, apply: (e: CalendarEvent, now: number) => ReturnType<typeof applyEventPatch>) {
    for (let attempt = 1; ; attempt++) {
      const current = await mustFind(idOrSlug);
      const { event, changed } = apply(current, clock());
      if (changed.length === 0) return { event, changed };
      try {
        await deps.events.update(current, event, changed);
        return { event, changed };
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 5) throw error;
      }
    }
  }

  return {
    create: (input: NewEventInput) => deps.events.insert(createEvent(input, deps.uidDomain, clock())),
    get: mustFind,
    list: (query: EventListQuery) => deps.events.list(query),
    update: (idOrSlug: string, patch: EventPatch) => change(idOrSlug, (e, now) => applyEventPatch(e, patch, now)),
    cancel: (idOrSlug: string, note: string | null = null) => change(idOrSlug, (e, now) => cancelEvent(e, now, note)),
    restore: (idOrSlug: string) => change(idOrSlug, (e, now) => restoreEvent(e, now)),
    history: async (idOrSlug: string) => deps.events.history((await mustFind(idOrSlug)).id),
  };
}
