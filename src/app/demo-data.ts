import type { EventUseCases } from './events.ts';
import type { NewEventInput } from '../core/events/rules.ts';
import { addDays, formatLocalDate, utcToZoned } from '../core/time/local-time.ts';

// A realistic first look: several categories and time zones, an all-day event, a multi-day
// event, Unicode text, and a cancelled event, all dated relative to today.

function demoEvents(now: number): (NewEventInput & { cancel?: boolean })[] {
  const day = (zone: string, offset: number) => formatLocalDate(addDays(utcToZoned(now, zone), offset));
  return [
    {
      title: 'Jazz at the Docks: Nina Okafor Quartet',
      description: 'Modal jazz on the harbour terrace.\nDoors 19:00, first set 19:30. Bring a jumper; it gets windy.',
      location: 'Harbour Terrace, Kai 3, Hamburg',
      url: 'https://example.com/events/jazz-docks',
      categories: ['Music', 'Jazz'],
      start: `${day('Europe/Berlin', 3)}T19:30`,
      end: `${day('Europe/Berlin', 3)}T22:00`,
      timezone: 'Europe/Berlin',
    },
    {
      title: 'Intro to Pottery, Wheel Throwing (Beginners)',
      description: 'Four hours, all clay and glazes included; aprons provided.',
      location: 'Clay Corner Studio, 215 Bedford Ave, Brooklyn, NY',
      categories: ['Workshops'],
      start: `${day('America/New_York', 5)}T10:00`,
      end: `${day('America/New_York', 5)}T14:00`,
      timezone: 'America/New_York',
    },
    {
      title: 'Open-Air Film Night: "Spirited Away" 千と千尋の神隠し',
      description: 'Japanese with English subtitles; blankets welcome; food trucks from 18:00.',
      location: 'Yoyogi Park, Shibuya, Tokyo',
      categories: ['Film', 'Outdoors'],
      start: `${day('Asia/Tokyo', 8)}T19:00`,
      end: `${day('Asia/Tokyo', 8)}T21:15`,
      timezone: 'Asia/Tokyo',
    },
    {
      title: 'City Half Marathon 🏃',
      description: 'Road closures from 06:00; start waves every 10 minutes; results online the same day.',
      location: 'Start: Town Hall Square',
      url: 'https://example.com/events/half-marathon',
      categories: ['Sports', 'Outdoors'],
      start: day('Europe/London', 12),
      end: day('Europe/London', 13),
      allDay: true,
      timezone: 'Europe/London',
    },
    {
      title: 'Winter Makers Market',
      description: 'Three days of local makers; ceramics, prints, textiles, C:\\Users\\-free zone; cash and card.',
      location: 'Old Tram Depot, Berlin',
      categories: ['Markets'],
      start: day('Europe/Berlin', 15),
      end: day('Europe/Berlin', 18),
      allDay: true,
      timezone: 'Europe/Berlin',
    },
    {
      title: 'TypeScript Meetup: Calendars, Time Zones; and Other Horrors',
      description: 'Talks: "DST bugs I have known", "Folding at 75 octets". Pizza, drinks.',
      location: 'Online',
      url: 'https://example.com/events/ts-meetup',
      categories: ['Tech', 'Workshops'],
      start: `${day('America/Los_Angeles', 10)}T18:00`,
      end: `${day('America/Los_Angeles', 10)}T20:30`,
      timezone: 'America/Los_Angeles',
      status: 'tentative',
    },
    {
      title: 'Sunrise Yoga on the Beach',
      description: 'Cancelled because of the storm warning; see you next week.',
      location: 'Bondi Beach, Sydney',
      categories: ['Outdoors', 'Sports'],
      start: `${day('Australia/Sydney', 2)}T06:00`,
      end: `${day('Australia/Sydney', 2)}T07:00`,
      timezone: 'Australia/Sydney',
      cancel: true,
    },
    {
      title: 'Chamber Music: Schubert "Trout" Quintet',
      location: 'St. Lukas Church, München',
      categories: ['Music'],
      start: `${day('Europe/Berlin', 20)}T20:00`,
      end: `${day('Europe/Berlin', 20)}T21:30`,
      timezone: 'Europe/Berlin',
    },
  ];
}

/** Adds the demo events; the caller decides when (first start, empty database). */
export async function seedDemoEvents(events: EventUseCases, now = Date.now()): Promise<number> {
  const list = demoEvents(now);
  for (const { cancel, ...input } of list) {
    const created = await events.create(input);
    if (cancel) await events.cancel(created.id);
  }
  return list.length;
}
