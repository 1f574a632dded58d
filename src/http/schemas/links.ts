import { Type } from '@sinclair/typebox';

export const SubscribeOptionJson = Type.Object({
  target: Type.String({ description: 'webcal | google | outlook | office365 | copy' }),
  label: Type.String(),
  url: Type.String(),
  instructions: Type.Optional(Type.String()),
  settingsUrl: Type.Optional(Type.String()),
});

export const FeedLinksJson = Type.Object({
  httpsUrl: Type.String(),
  webcalUrl: Type.String(),
  options: Type.Array(SubscribeOptionJson, { description: 'Ordered for the requesting device.' }),
});

export const AddLinksJson = Type.Object({
  event: Type.Object({ id: Type.String(), slug: Type.String(), title: Type.String(), status: Type.String() }),
  add: Type.Array(
    Type.Object({
      target: Type.String({ description: 'google | outlook | office365 | yahoo | ics' }),
      label: Type.String(),
      url: Type.String({ description: 'The provider URL itself.' }),
      goUrl: Type.String({ description: 'Our redirect to it, which counts the add.' }),
      note: Type.Optional(Type.String({ description: 'A series: what this target keeps of it ("every date", "first date only", "next date only").' })),
    }),
  ),
});
