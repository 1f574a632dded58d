import type { CalendarEvent } from '../src/core/events/event.ts';
import { createEvent } from '../src/core/events/rules.ts';

// Realistic generated events, the same for every library and run (seeded): Unicode titles with
// emoji and CJK, commas, semicolons and backslashes, multi-line descriptions of a few hundred
// characters, four time zones, ~10% all-day and ~5% cancelled.

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
const TITLES = ['Jazz at the Docks', 'Café "Lumière"; open mic', 'Pottery, wheel throwing', 'Tech talk: C:\\Users\\Nina', '夜市 Night Market 🎉', 'Run club 🏃 5k, 10k', 'Schubert; "Trout" quintet', 'Open-air film: 千と千尋'];
const PLACES = ['Harbour Terrace, Kai 3, Hamburg', 'Clay Corner, 215 Bedford Ave, Brooklyn', 'Yoyogi Park; Shibuya, Tokyo', 'Bondi Beach, Sydney', 'Online'];
const LINES = [
  'Doors open at 19:00; first set at 19:30, second at 21:00.',
  'Bring a jumper, it gets windy on the terrace — and cash for drinks.',
  'All levels welcome, materials included (clay, glazes, aprons).',
  'Talks: "DST bugs I have known", "Folding at 75 octets", Q&A; pizza.',
  'Japanese with English subtitles 日本語字幕あり; blankets welcome 🧺.',
  'Route: harbour → old town → park, 5 or 10 km, water at km 3.',
];

export function generateEvents(count: number, seed = 42): CalendarEvent[] {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const events: CalendarEvent[] = [];
  const base = Date.UTC(2027, 0, 1);
  for (let i = 0; i < count; i++) {
    const day = new Date(base + Math.floor(random() * 330) * 86_400_000);
    const date = day.toISOString().slice(0, 10);
    const next = new Date(day.getTime() + 86_400_000).toISOString().slice(0, 10);
    const allDay = random() < 0.1;
    const hour = 8 + Math.floor(random() * 12);
    const description = Array.from({ length: 3 + Math.floor(random() * 4) }, () => pick(LINES)).join('\n');
    const event = createEvent(
      {
        title: `${pick(TITLES)} #${i}`,
        description,
        location: pick(PLACES),
        url: `https://example.com/events/${i}?ref=feed&lang=en`,
        categories: Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(['Music', 'Jazz, Blues', 'Workshops', 'Film', 'Sports', 'Tech'])),
        timezone: pick(ZONES),
        allDay,
        start: allDay ? date : `${date}T${String(hour).padStart(2, '0')}:30`,
        end: allDay ? next : `${date}T${String(hour + 2).padStart(2, '0')}:00`,
      },
      'bench.example.test',
      Date.UTC(2026, 10, 1) + i * 1000,
    );
    events.push(random() < 0.05 ? { ...event, status: 'cancelled', sequence: 1, cancelledAt: event.updatedAt } : event);
  }
  return events;
}
