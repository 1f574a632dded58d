import { Type, type Static } from '@sinclair/typebox';
import { EVENT_STATUSES, FIELD_LIMITS } from '../../core/events/event.ts';

// Occurrences of a series (PRODUCT.md "Recurring events").

export const OccurrenceParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 120, description: 'Event id or slug.' }),
  occurrence: Type.String({
    maxLength: 16,
    description: 'The original local start, YYYY-MM-DDTHH:MM (a date for all-day series): its RECURRENCE-ID.',
    examples: ['2027-03-09T19:00'],
  }),
});

export const OccurrenceJson = Type.Object({
  occurrence: Type.String({ description: 'Its name: the original local start.' }),
  start: Type.String({ description: 'Local start (after any change).' }),
  end: Type.String({ description: 'Local end (exclusive).' }),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  status: Type.Union(EVENT_STATUSES.map((s) => Type.Literal(s))),
  overridden: Type.Boolean({ description: 'True when this occurrence was changed or cancelled on its own.' }),
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  location: Type.Union([Type.String(), Type.Null()]),
  sequence: Type.Integer({ description: "The SEQUENCE of this occurrence's VEVENT (the series' when not changed)." }),
});
export type OccurrenceJson = Static<typeof OccurrenceJson>;

export const OccurrenceList = Type.Object({ items: Type.Array(OccurrenceJson) });

export const OccurrenceQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ description: 'Occurrences ending after this ISO 8601 instant or date (default: now).' })),
    to: Type.Optional(Type.String({ description: 'Occurrences starting before this instant or date (default: from + 366 days).' })),
  },
  { additionalProperties: false },
);

export const OccurrencePatchBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: FIELD_LIMITS.title })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: FIELD_LIMITS.description }), Type.Null()])),
    location: Type.Optional(Type.Union([Type.String({ maxLength: FIELD_LIMITS.location }), Type.Null()])),
    start: Type.Optional(Type.String({ maxLength: 19, description: "Local start in the series' zone; the end keeps the duration unless given." })),
    end: Type.Optional(Type.String({ maxLength: 19 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
