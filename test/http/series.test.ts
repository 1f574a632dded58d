import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

// Recurring events through the API, feeds and downloads, on both engines.

const jam = {
  title: 'Tuesday jam',
  categories: ['Music'],
  start: '2027-03-02T19:00',
  end: '2027-03-02T21:00',
  timezone: 'America/New_York',
  rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6',
};

for (const engine of testEngines) {
  describe(`series on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
      t.clock.now = Date.parse('2027-02-20T10:00:00Z');
    });
    after(() => t.close());

    const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = t.auth) =>
      t.app.inject({ method, url, payload, headers });
    const count = async () => (await inject('GET', '/api/v1/events?includeCancelled=true&limit=200')).json().items.length;
    const create = async (body: object) => {
      const res = await inject('POST', '/api/v1/events', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    };

    it('creates a series and returns its rule; refuses bad rules with a field error and stores nothing', async () => {
      const e = await create({ ...jam, rrule: 'byday=TU;FREQ=WEEKLY;COUNT=6' });
      assert.equal(e.rrule, 'FREQ=WEEKLY;COUNT=6;BYDAY=TU');
      const before = await count();
      for (const rrule of ['FREQ=HOURLY;COUNT=2', 'FREQ=WEEKLY;COUNT=731', 'FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;UNTIL=20270101', 'FREQ=SOMETIMES']) {
        const res = await inject('POST', '/api/v1/events', { ...jam, rrule });
        assert.equal(res.statusCode, 422, rrule);
        assert.equal(res.json().errors[0].field, 'rrule', rrule);
      }
      const patched = await inject('PATCH', `/api/v1/events/${e.id}`, { rrule: 'FREQ=DAILY;COUNT=5000' });
      assert.equal(patched.statusCode, 422);
      assert.equal(await count(), before);
      assert.equal((await inject('GET', `/api/v1/events/${e.id}`)).json().rrule, 'FREQ=WEEKLY;COUNT=6;BYDAY=TU');
    });

    it('refuses a one-off start or end in the spring gap with a 422 naming the gap', async () => {
      const res = await inject('POST', '/api/v1/events', { title: 'Gap', start: '2027-03-14T02:30', end: '2027-03-14T04:00', timezone: 'America/New_York' });
      assert.equal(res.statusCode, 422);
      assert.equal(res.json().errors[0].field, 'start');
      assert.match(res.json().errors[0].message, /2027-03-14T02:30 does not exist in America\/New_York.*skip forward 1 hour/);
    });

    it('lists occurrences, changes and cancels one (organizer only), bumping SEQUENCE and the feed ETag', async () => {
      const e = await create(jam);
      const list = await inject('GET', `/api/v1/events/${e.id}/occurrences?from=2027-03-01&to=2027-04-01`, undefined, {});
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.json().items.map((o: { occurrence: string; startsAt: string }) => [o.occurrence, o.startsAt]), [
        ['2027-03-02T19:00', '2027-03-03T00:00:00.000Z'],
        ['2027-03-09T19:00', '2027-03-10T00:00:00.000Z'],
        ['2027-03-16T19:00', '2027-03-16T23:00:00.000Z'],
        ['2027-03-23T19:00', '2027-03-23T23:00:00.000Z'],
        ['2027-03-30T19:00', '2027-03-30T23:00:00.000Z'],
      ]);
      const feed1 = await inject('GET', '/feeds/all.ics', undefined, {});
      const url = `/api/v1/events/${e.id}/occurrences/2027-03-16T19:00`;
      assert.equal((await inject('PATCH', url, { title: 'Late jam' }, {})).statusCode, 401);
      assert.equal((await inject('POST', `${url}/cancel`, undefined, {})).statusCode, 401);
      const bad = await inject('PATCH', url, { start: '2027-03-14T02:30' });
      assert.equal(bad.statusCode, 422);
      assert.equal((await inject('PATCH', `/api/v1/events/${e.id}/occurrences/2027-03-17T19:00`, { title: 'x' })).statusCode, 404);
      t.clock.now += 1000;
      const changed = await inject('PATCH', url, { title: 'Late jam', start: '2027-03-16T20:00' });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual([changed.json().start, changed.json().overridden, changed.json().sequence], ['2027-03-16T20:00:00', true, 1]);
      t.clock.now += 1000;
      const cancelled = await inject('POST', `/api/v1/events/${e.id}/occurrences/2027-03-23T19:00/cancel`);
      assert.equal(cancelled.json().status, 'cancelled');
      assert.equal((await inject('GET', `/api/v1/events/${e.id}`)).json().sequence, 2);

      const feed2 = await inject('GET', '/feeds/all.ics', undefined, { 'if-none-match': String(feed1.headers.etag) });
      assert.equal(feed2.statusCode, 200, 'a changed occurrence changes the feed ETag');
      const vevents = new ICAL.Component(ICAL.parse(feed2.body)).getAllSubcomponents('vevent').filter((v) => v.getFirstPropertyValue('uid') === e.uid);
      assert.equal(vevents.length, 2, 'master and one changed occurrence, same UID');
      assert.match(feed2.body, /RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=TU\r\nEXDATE;TZID=America\/New_York:20270323T190000\r\n/);
      assert.match(feed2.body, /RECURRENCE-ID;TZID=America\/New_York:20270316T190000\r\nDTSTART;TZID=America\/New_York:20270316T200000\r\n/);
      const download = await inject('GET', `/events/${e.id}.ics`, undefined, {});
      assert.match(download.body, /EXDATE;TZID=America\/New_York:20270323T190000/);
      assert.match(download.body, /RECURRENCE-ID;TZID=America\/New_York:20270316T190000/);

      t.clock.now += 1000;
      const whole = await inject('PATCH', `/api/v1/events/${e.id}`, { title: 'Tuesday jam session' });
      assert.equal(whole.json().sequence, 3);
    });

    it('counts a series as in the feed window when an occurrence is', async () => {
      t.clock.now = Date.parse('2027-06-01T10:00:00Z'); // window starts 2027-05-02
      const longRunning = await create({ ...jam, title: 'Since January', start: '2027-01-05T19:00', end: '2027-01-05T21:00', rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=30' });
      const over = await create({ ...jam, title: 'Over in March', start: '2027-01-05T19:00', end: '2027-01-05T21:00', rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=10' });
      const body = (await inject('GET', '/feeds/all.ics', undefined, {})).body;
      assert.ok(body.includes(longRunning.uid));
      assert.ok(!body.includes(over.uid));
      const listed = (await inject('GET', '/api/v1/events?from=2027-05-02&limit=200')).json().items.map((x: { id: string }) => x.id);
      assert.ok(listed.includes(longRunning.id));
    });

    it('writes a one-off event at a repeated local time in UTC in feeds and downloads', async () => {
      const e = await create({ title: 'Night owls', start: '2027-11-07T01:30', end: '2027-11-07T02:30', timezone: 'America/New_York' });
      const download = await inject('GET', `/events/${e.id}.ics`, undefined, {});
      assert.match(download.body, /DTSTART:20271107T053000Z\r\nDTEND:20271107T073000Z/);
      assert.match((await inject('GET', '/feeds/all.ics', undefined, {})).body, /DTSTART:20271107T053000Z/);
    });

    it('moves Last-Modified on every change, even two within one second', async () => {
      t.clock.now = Date.parse('2027-06-02T10:00:00.200Z');
      const e = await create({ title: 'Poll me', start: '2027-07-01T10:00', end: '2027-07-01T11:00', timezone: 'Europe/Berlin' });
      for (const url of ['/feeds/all.ics', `/events/${e.id}.ics`]) {
        const first = await inject('GET', url, undefined, {});
        t.clock.now += 300; // the same second
        await inject('PATCH', `/api/v1/events/${e.id}`, { title: `Poll me ${t.clock.now}` });
        const poll = await inject('GET', url, undefined, { 'if-modified-since': String(first.headers['last-modified']) });
        assert.equal(poll.statusCode, 200, `${url}: a same-second edit must not look unmodified`);
        assert.notEqual(poll.headers['last-modified'], first.headers['last-modified']);
        const again = await inject('GET', url, undefined, { 'if-modified-since': String(poll.headers['last-modified']) });
        assert.equal(again.statusCode, 304, url);
      }
    });
  });
}
