import type { RemoteEventInput } from '../../src/integrations/provider.ts';

/** A neutral event as the adapters receive it: Berlin evening, text that needs escaping. */
export function remoteEvent(over: Partial<RemoteEventInput> = {}): RemoteEventInput {
  return {
    uid: '0123456789abcdef0123456789abcdef@cal.example.test',
    sequence: 0,
    updatedAt: Date.parse('2026-11-24T10:00:00Z'),
    title: 'Jazz; "Blue", Notes 🎷',
    description: 'Two sets, C:\\Users\\Nina',
    location: 'Kai 3, Hamburg',
    url: 'https://example.com/jazz',
    allDay: false,
    start: '2026-12-03T19:30:00',
    end: '2026-12-03T22:00:00',
    timezone: 'Europe/Berlin',
    startUtc: Date.parse('2026-12-03T18:30:00Z'),
    endUtc: Date.parse('2026-12-03T21:00:00Z'),
    status: 'confirmed',
    ...over,
  };
}
