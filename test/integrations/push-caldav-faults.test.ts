import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectCalDav } from '../helpers/connect.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';
import { startHttpFaultProxy, type HttpFaultProxy } from '../helpers/http-fault-proxy.ts';

// Push sync to real CalDAV servers when answers get lost after the server did the work, and
// when the server refuses for a while: still one resource per event, in its latest version.

for (const kind of caldavServers) {
  describe(`push sync to ${kind.name} through lost answers and refusals`, { skip: kind.skip }, () => {
    let server: CalDavServer;
    let proxy: HttpFaultProxy;
    let t: TestApp;
    let cookie = '';
    let calendarUrl = '';
    before(async () => {
      server = await kind.start();
      proxy = await startHttpFaultProxy(server.url);
      t = await startTestApp(testEngines[0]!, { ALLOW_PRIVATE_NETWORK: 'true' });
      const connected = await connectCalDav(t, proxy.url, server);
      cookie = connected.cookie;
      calendarUrl = new URL(new URL(connected.targetCalendarId).pathname, server.url).href; // straight to the server
    });
    after(async () => {
      await t?.close();
      await proxy?.close();
      await server?.stop();
    });

    const auth = () => ({ authorization: `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}` });
    async function summaries(): Promise<string[]> {
      const res = await fetch(calendarUrl, { method: 'PROPFIND', headers: { depth: '1', ...auth() } });
      const hrefs = [...(await res.text()).matchAll(/<[^>]*href>([^<]+\.ics)</g)].map((m) => new URL(m[1]!, calendarUrl).href);
      const texts = await Promise.all(hrefs.map(async (href) => (await fetch(href, { headers: auth() })).text()));
      return texts.map((text) => String(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!.getFirstPropertyValue('summary'))).sort();
    }
    async function settle() {
      for (let i = 0; i < 10; i++) {
        await t.services.worker.drain();
        const counts = await t.services.outbox.countsByState();
        if (!counts.ready && !counts.leased) return;
        t.clock.now += 120_000;
      }
      throw new Error('the outbox did not settle');
    }
    const status = async () => (await t.app.inject({ url: '/api/v1/me/sync', headers: { cookie } })).json().items as { state: string }[];

    it('makes one resource when the answer to the create is lost, and the latest version when an update answer is lost', async () => {
      const e = (
        await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Lost answer', start: '2026-12-14T19:00', end: '2026-12-14T20:00', timezone: 'Europe/Paris' } })
      ).json();
      proxy.loseAnswers('PUT');
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await t.services.worker.drain();
      assert.deepEqual(await summaries(), ['Lost answer'], 'the server has it although we never heard back');
      assert.equal((await status())[0]?.state, 'pending');
      await settle();
      assert.deepEqual(await summaries(), ['Lost answer'], 'still one resource after the retry');

      proxy.loseAnswers('PUT');
      t.clock.now += 1000;
      await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { title: 'Lost answer, renamed' } });
      await settle();
      assert.deepEqual(await summaries(), ['Lost answer, renamed']);
      assert.deepEqual((await status()).map((s) => s.state), ['synced']);
    });

    it('waits out a server that refuses for a while', async () => {
      const e = (
        await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Refused first', start: '2026-12-15T19:00', end: '2026-12-15T20:00', timezone: 'UTC' } })
      ).json();
      proxy.refuse(3);
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await settle();
      assert.deepEqual(await summaries(), ['Lost answer, renamed', 'Refused first']);
      assert.ok((await status()).every((s) => s.state === 'synced'));
    });
  });
}
