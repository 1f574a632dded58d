import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';

// The organizer's side of a series' push round trip, shared by the provider tests: a weekly
// jam across the spring DST change (19:00 New York stays 19:00), saved by the connected person.

export const JAM = {
  title: 'Tuesday jam',
  start: '2027-03-02T19:00',
  end: '2027-03-02T21:00',
  timezone: 'America/New_York',
  rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6',
};

/** Every original start of JAM, in UTC (EST until 14 March, then EDT). */
export const JAM_STARTS = ['2027-03-03T00:00:00Z', '2027-03-10T00:00:00Z', '2027-03-16T23:00:00Z', '2027-03-23T23:00:00Z', '2027-03-30T23:00:00Z', '2027-04-06T23:00:00Z'];

export function seriesSteps(t: TestApp, cookie: string) {
  let id = '';
  const ok = async (res: { statusCode: number; body: string }, status = 200) => assert.equal(res.statusCode, status, res.body);
  const tick = () => (t.clock.now += 1000);
  return {
    get id() {
      return id;
    },
    /** Creates the series and saves it for the connected person. */
    async create(body: object = JAM): Promise<{ id: string; uid: string }> {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: body });
      await ok(res, 201);
      id = res.json().id;
      await ok(await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${id}`, headers: { cookie } }), 201);
      return res.json();
    },
    /** 16 March: later by an hour, another title. */
    async changeOne() {
      tick();
      await ok(await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${id}/occurrences/2027-03-16T19:00`, headers: t.auth, payload: { title: 'Late jam', start: '2027-03-16T20:00', end: '2027-03-16T22:00' } }));
    },
    /** 23 March is off. */
    async cancelOne() {
      tick();
      await ok(await t.app.inject({ method: 'POST', url: `/api/v1/events/${id}/occurrences/2027-03-23T19:00/cancel`, headers: t.auth }));
    },
    /** A new name and place for the whole series (SEQUENCE + 1; the exceptions stay). */
    async changeAll() {
      tick();
      await ok(await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${id}`, headers: t.auth, payload: { title: 'Tuesday jam session', location: 'The Loft' } }));
    },
    /** `rrule: null`: the series becomes one event on its first date (its exceptions dropped). */
    async makeOneOff() {
      tick();
      await ok(await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${id}`, headers: t.auth, payload: { rrule: null } }));
    },
    async cancelAll() {
      tick();
      await ok(await t.app.inject({ method: 'POST', url: `/api/v1/events/${id}/cancel`, headers: t.auth }));
    },
    /** The person's sync status of the series. */
    async syncState(): Promise<{ state: string; lastError: string | null } | undefined> {
      const items = (await t.app.inject({ url: '/api/v1/me/sync', headers: { cookie } })).json().items as { eventId: string; state: string; lastError: string | null }[];
      return items.find((s) => s.eventId === id);
    },
  };
}
