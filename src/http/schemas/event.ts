import { Type, type Static } from '@sinclair/typebox';
import { EVENT_STATUSES, FIELD_LIMITS } from '../../core/events/event.ts';

// One schema per shape: validation, response serialization and OpenAPI all come from here.

const nullableText = (maxLength: number, description: string) =>
  Type.Union([Type.String({ maxLength }), Type.Null()], { description });

const editable = {
  title: Type.String({ minLength: 1, maxLength: FIELD_LIMITS.title, description: 'One line, no control characters.' }),
  description: nullableText(FIELD_LIMITS.description, 'Plain text; line breaks allowed.'),
  location: nullableText(FIELD_LIMITS.location, 'One line.'),
  url: Type.Union([Type.String({ maxLength: FIELD_LIMITS.url }), Type.Null()], { description: 'Absolute http(s) URL.' }),
  categories: Type.Array(Type.String({ minLength: 1, maxLength: FIELD_LIMITS.category }), {
    maxItems: FIELD_LIMITS.categories,
    description: 'Category names; each gets a feed at /feeds/categories/{slug}.ics.',
  }),
  start: Type.String({
    maxLength: 19,
    description: 'Local start: YYYY-MM-DDTHH:MM[:SS], or YYYY-MM-DD when allDay.',
    examples: ['2026-12-03T19:30'],
  }),
  end: Type.String({ maxLength: 19, description: 'Local end (exclusive), same form as start.', examples: ['2026-12-03T22:00'] }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone name.', examples: ['Europe/Berlin'] }),
  allDay: Type.Boolean({ description: 'All-day: start/end are dates and end is exclusive.' }),
  rrule: Type.Union([Type.String({ maxLength: 500 }), Type.Null()], {
    description:
      'A series: an RFC 5545 RECUR value without the RRULE: prefix (FREQ DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST; at most 5 years, COUNT at most 730). null for a one-off event.',
    examples: ['FREQ=WEEKLY;BYDAY=TU;COUNT=10'],
  }),
};

export const EventCreateBody = Type.Object(
  {
    title: editable.title,
    description: Type.Optional(editable.description),
    location: Type.Optional(editable.location),
    url: Type.Optional(editable.url),
    categories: Type.Optional(editable.categories),
    start: editable.start,
    end: editable.end,
    timezone: editable.timezone,
    allDay: Type.Optional(editable.allDay),
    rrule: Type.Optional(editable.rrule),
    status: Type.Optional(Type.Union([Type.Literal('confirmed'), Type.Literal('tentative')])),
  },
  { additionalProperties: false },
);
export type EventCreateBody = Static<typeof EventCreateBody>;

export const EventPatchBody = Type.Object(
  {
    title: Type.Optional(editable.title),
    description: Type.Optional(editable.description),
    location: Type.Optional(editable.location),
    url: Type.Optional(editable.url),
    categories: Type.Optional(editable.categories),
    start: Type.Optional(editable.start),
    end: Type.Optional(editable.end),
    timezone: Type.Optional(editable.timezone),
    allDay: Type.Optional(editable.allDay),
    rrule: Type.Optional(editable.rrule),
    status: Type.Optional(Type.Union(EVENT_STATUSES.map((s) => Type.Literal(s)))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EventPatchBody = Static<typeof EventPatchBody>;

export const EventJson = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  uid: Type.String(),
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  location: Type.Union([Type.String(), Type.Null()]),
  url: Type.Union([Type.String(), Type.Null()]),
  categories: Type.Array(Type.String()),
  start: Type.String(),
  end: Type.String(),
  timezone: Type.String(),
  allDay: Type.Boolean(),
  rrule: Type.Union([Type.String(), Type.Null()], { description: 'The series rule (canonical form), or null for a one-off event.' }),
  next: Type.Union(
    [
      Type.Object({
        occurrence: Type.String(),
        start: Type.String(),
        end: Type.String(),
        startsAt: Type.String({ format: 'date-time' }),
        endsAt: Type.String({ format: 'date-time' }),
      }),
      Type.Null(),
    ],
    { description: 'A series: its next occurrence that has not ended and is not cancelled (changes applied); null for a one-off event or a series that is over.' },
  ),
  status: Type.Union(EVENT_STATUSES.map((s) => Type.Literal(s))),
  sequence: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  cancelledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  cancelNote: Type.Union([Type.String(), Type.Null()], { description: "The organizer's note to attendees when cancelling." }),
  startsAt: Type.String({ format: 'date-time', description: 'The start as a UTC instant.' }),
  endsAt: Type.String({ format: 'date-time', description: 'The end as a UTC instant.' }),
  icsUrl: Type.String({ description: 'Single-event download.' }),
  pageUrl: Type.String({ description: 'The event page.' }),
});
export type EventJson = Static<typeof EventJson>;

export const EventList = Type.Object({
  items: Type.Array(EventJson),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page.' }),
});

export const EventListQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ description: 'Events ending after this ISO 8601 instant or date.' })),
    to: Type.Optional(Type.String({ description: 'Events starting before this ISO 8601 instant or date.' })),
    category: Type.Optional(Type.String({ maxLength: 80, description: 'Category slug.' })),
    includeCancelled: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1-200, default 50.' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type EventListQuery = Static<typeof EventListQuery>;

export const EventKeyParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 120, description: 'Event id or slug.' }),
});
