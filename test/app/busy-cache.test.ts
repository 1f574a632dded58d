import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConflictUseCases } from '../../src/app/conflicts.ts';
import { ExpiringCache } from '../../src/app/expiring-cache.ts';
import type { Connection, ConnectionRepository } from '../../src/infra/db/connection-repository.ts';
import type { EventRepository } from '../../src/infra/db/event-repository.ts';
import type { ProviderRegistry } from '../../src/integrations/registry.ts';
import type { CalendarProvider } from '../../src/integrations/provider.ts';
import { testEngines, type TestDatabase } from '../helpers/databases.ts';

// Finding 5: the busy-time cache is bounded, expires, and answers every range inside the same
// UTC days from one provider request (cut to the range asked).

const DAY = 86_400_000;
const DAY0 = Date.parse('2026-12-03T00:00:00Z');

const connection: Connection = {
  id: 'conn-1',
  visitorId: 'visitor-1',
  kind: 'caldav',
  mode: 'busy',
  status: 'active',
  statusReason: null,
  account: 'nina',
  serverUrl: 'https://caldav.example.test/',
  targetCalendarId: null,
  targetCalendarName: null,
  scope: null,
  accessExpiresAt: null,
  createdAt: DAY0,
  updatedAt: DAY0,
};

function setup(db: TestDatabase, o: { cacheEntries?: number; events?: object[] } = {}) {
  const requests: [number, number][] = [];
  const clock = { now: DAY0 - 30 * DAY };
  const provider = {
    listCalendars: async () => [{ id: 'cal', name: 'Personal' }],
    // A busy block every day from 10:00 to 12:00 UTC.
    busyIntervals: async (_ids: string[], from: number, to: number) => {
      requests.push([from, to]);
      const blocks = [];
      for (let day = from; day < to; day += DAY) blocks.push({ start: day + 10 * 3_600_000, end: day + 12 * 3_600_000 });
      return blocks;
    },
  } as unknown as CalendarProvider;
  const conflicts = createConflictUseCases({
    db: db.db,
    connections: { listForVisitor: async () => [connection], busyCalendarIds: async () => null } as unknown as ConnectionRepository,
    events: { list: async () => o.events ?? [] } as unknown as EventRepository,
    registry: { forConnection: async () => provider } as unknown as ProviderRegistry,
    clock: () => clock.now,
    cacheEntries: o.cacheEntries,
  });
  const busyIn = async (from: number, to: number) => {
    const read = await conflicts.conflicts('visitor-1', from, to);
    assert.equal(read.checked[0]!.status, 'ok');
  };
  return { conflicts, requests, clock, busyIn };
}

const sqlite = testEngines.find((e) => e.name === 'sqlite')!;

describe('the busy-time cache', () => {
  let db: TestDatabase;
  before(async () => {
    db = await sqlite.open();
  });
  after(() => db.dispose());

  it('answers many different ranges inside the same days with one provider request', async () => {
    const { busyIn, requests } = setup(db);
    for (let i = 0; i < 50; i++) {
      const from = DAY0 + i * 60_000;
      await busyIn(from, DAY0 + 2 * DAY + 3_600_000 - i * 1000);
    }
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0], [DAY0, DAY0 + 3 * DAY], 'whole UTC days around the range');
    await busyIn(DAY0 + 5 * DAY, DAY0 + 6 * DAY);
    assert.equal(requests.length, 2, 'other days are another request');
  });

  it('cuts the days’ answer to the range asked, as a provider asked for that range would', async () => {
    // An event 09:00–11:30 and a range from 11:00: the busy block 10:00–12:00 counts from 11:00.
    const h = 3_600_000;
    const { conflicts } = setup(db, { events: [{ id: 'e1', title: 'Talk', start: '2026-12-03T09:00:00', end: '2026-12-03T11:30:00', timezone: 'UTC', startUtc: DAY0 + 9 * h, endUtc: DAY0 + 11.5 * h, allDay: false }] });
    const read = await conflicts.conflicts('visitor-1', DAY0 + 11 * h, DAY0 + 20 * h);
    assert.deepEqual(read.items[0]!.clashes.map((c) => [c.start, c.end]), [['2026-12-03T11:00:00.000Z', '2026-12-03T11:30:00.000Z']]);
  });

  it('shares one request between simultaneous reads of the same days', async () => {
    const { busyIn, requests } = setup(db);
    await Promise.all([busyIn(DAY0, DAY0 + 3_600_000), busyIn(DAY0 + 7_200_000, DAY0 + 9_000_000)]);
    assert.equal(requests.length, 1);
  });

  it('expires entries, and forget() drops a connection’s entries', async () => {
    const { busyIn, requests, clock, conflicts } = setup(db);
    await busyIn(DAY0, DAY0 + DAY);
    clock.now += 4 * 60_000;
    await busyIn(DAY0, DAY0 + DAY);
    assert.equal(requests.length, 1, 'still fresh');
    clock.now += 2 * 60_000;
    await busyIn(DAY0, DAY0 + DAY);
    assert.equal(requests.length, 2, 'expired after five minutes');
    conflicts.forget('conn-1');
    await busyIn(DAY0, DAY0 + DAY);
    assert.equal(requests.length, 3, 'forgotten');
  });

  it('keeps at most its bound: the oldest days are read again', async () => {
    const { busyIn, requests } = setup(db, { cacheEntries: 3 });
    for (let i = 0; i < 4; i++) await busyIn(DAY0 + i * DAY, DAY0 + (i + 1) * DAY);
    assert.equal(requests.length, 4);
    await busyIn(DAY0 + 3 * DAY, DAY0 + 4 * DAY);
    assert.equal(requests.length, 4, 'the newest is kept');
    await busyIn(DAY0, DAY0 + DAY);
    assert.equal(requests.length, 5, 'the oldest was dropped');
  });
});

describe('ExpiringCache', () => {
  it('never holds more than its bound, and drops expired entries as new ones come', () => {
    const cache = new ExpiringCache<number>({ maxEntries: 100, ttlMs: 1000 });
    for (let i = 0; i < 10_000; i++) {
      cache.set(`k${i}`, i, 0);
      assert.ok(cache.size <= 100);
    }
    assert.equal(cache.get('k9999', 999), 9999);
    assert.equal(cache.get('k0', 0), undefined, 'evicted');
    cache.set('late', 1, 1000);
    assert.equal(cache.size, 1, 'every older entry expired');
    assert.equal(cache.get('late', 1999), 1);
    assert.equal(cache.get('late', 2000), undefined);
  });
});
