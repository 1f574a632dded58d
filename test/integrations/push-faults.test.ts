import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines, type TestEngine } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';

// The faults issue 5 names, against the Google and Microsoft emulators: answers lost after the
// provider made the change, rate limits, server errors and timeouts on a share of requests, and
// the database going away in the middle of a fan-out. After each, every copy ends exactly as
// the store says: none missing, none twice, nothing left pending.

const PUBLIC = 'https://cal.example.test';
const providerEnv = (google: GoogleEmulator, microsoft: MicrosoftEmulator) => ({
  PUBLIC_URL: PUBLIC,
  ...emulatorSettings({ google, microsoft }),
  // Short deadlines so that a held answer times out quickly.
  PROVIDER_TIMEOUT_MS: '300',
});

interface Rig {
  t: TestApp;
  google: GoogleEmulator;
  microsoft: MicrosoftEmulator;
  cookie: string;
}

async function startRig(engine: TestEngine, databaseUrl?: string): Promise<Rig> {
  const google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
  const microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
  for (const f of [google.faults, microsoft.faults]) f.hangMs = 700;
  const t = await startTestApp(engine, providerEnv(google, microsoft), { databaseUrl });
  // One person with both kinds of account: every saved event goes to both.
  const { cookie } = await connectThroughEmulator(t, 'google');
  await connectThroughEmulator(t, 'microsoft', 'mode=push', cookie);
  return { t, google, microsoft, cookie };
}

async function stopRig(r: Rig | undefined) {
  await r?.t.close();
  await r?.google.close();
  await r?.microsoft.close();
}

async function createEvent(r: Rig, title: string): Promise<string> {
  const res = await r.t.app.inject({ method: 'POST', url: '/api/v1/events', headers: r.t.auth, payload: { title, start: '2026-12-12T19:00', end: '2026-12-12T21:00', timezone: 'Europe/Paris' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

const inject = (r: Rig, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, organizer = false) =>
  r.t.app.inject({ method, url, headers: organizer ? r.t.auth : { cookie: r.cookie }, payload });

/** Runs the worker, moving the clock past every backoff, until nothing is due or leased. */
async function settle(r: Rig, rounds = 60): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await r.t.services.worker.drain().catch(() => undefined);
    const counts = await r.t.services.outbox.countsByState().catch(() => ({ ready: 1 }) as Record<string, number>);
    if (!counts.ready && !counts.leased) return;
    r.t.clock.now += 120_000;
  }
  throw new Error(`the outbox did not settle: ${JSON.stringify(await r.t.services.outbox.countsByState())}`);
}

/** Both calendars hold exactly the saved, live events, each once, in their latest version. */
async function assertCalendarsMatchStore(r: Rig): Promise<void> {
  const saved = await savedIds(r);
  const wanted = new Map<string, string>();
  for (const id of saved) {
    const e = (await r.t.app.inject({ url: `/api/v1/events/${id}` })).json();
    if (e.status !== 'cancelled') wanted.set(e.title, id);
  }
  const googleTitles = [...r.google.events.values()].filter((e) => e.status !== 'cancelled').map((e) => String(e.summary));
  const graphTitles = [...r.microsoft.events.values()].map((e) => String(e.subject));
  assert.deepEqual(googleTitles.sort(), [...wanted.keys()].sort(), 'Google holds each live saved event once');
  assert.deepEqual(graphTitles.sort(), [...wanted.keys()].sort(), 'Outlook holds each live saved event once');
  assert.ok([...r.google.inserts.values()].every((n) => n === 1), 'no Google event inserted twice');
  assert.ok([...r.microsoft.creates.values()].every((n) => n === 1), 'no Graph event created twice');
  const status = (await r.t.app.inject({ url: '/api/v1/me/sync', headers: { cookie: r.cookie } })).json().items as { state: string; lastError: string | null }[];
  assert.deepEqual(status.filter((s) => s.state === 'pending' || s.state === 'failed'), [], 'nothing left pending or failed');
}

async function savedIds(r: Rig): Promise<string[]> {
  const res = await r.t.app.inject({ url: '/api/v1/me/saved', headers: { cookie: r.cookie } });
  return (res.json().items as { id: string }[]).map((e) => e.id);
}

for (const engine of testEngines) {
  describe(`push sync under provider faults on ${engine.name}`, { skip: engine.skip }, () => {
    let r: Rig;
    before(async () => {
      r = await startRig(engine);
    });
    after(() => stopRig(r));

    it('does not create a second copy when the answer to a create is lost', async () => {
      const id = await createEvent(r, 'Answer lost on create');
      r.google.faults.queue.push('timeout-after-write');
      r.microsoft.faults.queue.push('timeout-after-write');
      await inject(r, 'POST', `/api/v1/me/saved/${id}`);
      await r.t.services.worker.drain();
      assert.equal([...r.google.events.values()].filter((e) => e.summary === 'Answer lost on create').length, 1, 'Google made it although we never heard back');
      const pending = (await r.t.app.inject({ url: '/api/v1/me/sync', headers: { cookie: r.cookie } })).json().items.filter((s: { eventId: string }) => s.eventId === id);
      assert.ok(pending.every((s: { state: string; lastError: string }) => s.state === 'pending' && /timed out/.test(s.lastError)), 'shown as pending, with the reason');
      await settle(r);
      await assertCalendarsMatchStore(r);
    });

    it('ends in the latest version when the answer to an update is lost', async () => {
      const id = await createEvent(r, 'Answer lost on update');
      await inject(r, 'POST', `/api/v1/me/saved/${id}`);
      await settle(r);
      r.google.faults.queue.push('timeout-after-write');
      r.microsoft.faults.queue.push('timeout-after-write');
      r.t.clock.now += 1000;
      await inject(r, 'PATCH', `/api/v1/events/${id}`, { title: 'Answer lost on update, moved' }, true);
      await settle(r);
      await assertCalendarsMatchStore(r);
    });

    it('leaves nothing pending for a copy never made when its event is cancelled meanwhile', async () => {
      const id = await createEvent(r, 'Cancelled before it arrived');
      r.google.faults.queue.push('503');
      r.microsoft.faults.queue.push('503');
      await inject(r, 'POST', `/api/v1/me/saved/${id}`);
      await r.t.services.worker.drain();
      const states = async () =>
        ((await r.t.app.inject({ url: '/api/v1/me/sync', headers: { cookie: r.cookie } })).json().items as { eventId: string; state: string }[]).filter((s) => s.eventId === id).map((s) => s.state);
      assert.deepEqual(await states(), ['pending', 'pending']);
      await inject(r, 'POST', `/api/v1/events/${id}/cancel`, undefined, true);
      await settle(r);
      assert.deepEqual(await states(), ['removed', 'removed']);
      await assertCalendarsMatchStore(r);
    });

    it('lists a copy that keeps failing with its reason, and the retry buttons push it again', async () => {
      const id = await createEvent(r, 'Rejected thrice');
      r.google.faults.queue.push('400', '400', '400');
      await inject(r, 'POST', `/api/v1/me/saved/${id}`);
      await settle(r);
      const mine = (await r.t.app.inject({ url: '/api/v1/me/sync', headers: { cookie: r.cookie } })).json().items.find((s: { eventId: string; kind: string }) => s.eventId === id && s.kind === 'google');
      assert.equal(mine.state, 'failed');
      assert.match(mine.lastError, /400/);
      const organizer = (await r.t.app.inject({ url: `/api/v1/events/${id}/sync`, headers: r.t.auth })).json();
      assert.equal(organizer.failed, 1);
      assert.equal(organizer.synced, 1, 'the Outlook copy went through');
      assert.deepEqual(organizer.failures.map((f: { kind: string }) => f.kind), ['google']);
      assert.match(organizer.failures[0].reason, /400/);

      const stranger = await r.t.app.inject({ method: 'POST', url: `/api/v1/me/sync/${mine.connectionId}/${id}/retry` });
      assert.equal(stranger.statusCode, 409, "someone else cannot retry the person's copy");
      const retry = await inject(r, 'POST', `/api/v1/me/sync/${mine.connectionId}/${id}/retry`);
      assert.equal(retry.statusCode, 202, retry.body);
      assert.equal((await inject(r, 'POST', `/api/v1/me/sync/${mine.connectionId}/${id}/retry`)).statusCode, 409, 'nothing failed any more');
      await settle(r);
      assert.deepEqual((await r.t.app.inject({ url: `/api/v1/events/${id}/sync`, headers: r.t.auth })).json(), { synced: 2, pending: 0, failed: 0, failures: [] });

      // The organizer's button retries every failed copy of the event.
      r.t.clock.now += 1000;
      r.google.faults.queue.push('400', '400', '400');
      r.microsoft.faults.queue.push('400', '400', '400');
      await inject(r, 'PATCH', `/api/v1/events/${id}`, { title: 'Rejected thrice, renamed' }, true);
      await settle(r);
      assert.equal((await r.t.app.inject({ url: `/api/v1/events/${id}/sync`, headers: r.t.auth })).json().failed, 2);
      const all = await r.t.app.inject({ method: 'POST', url: `/api/v1/events/${id}/sync/retry`, headers: r.t.auth });
      assert.deepEqual(all.json(), { retried: 2 });
      await settle(r);
      await assertCalendarsMatchStore(r);
    });

    it('converges through rate limits, server errors and timeouts on a third of the requests', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(await createEvent(r, `Busy week ${i}`));
      r.google.faults.randomKinds = ['429', '403', '500', '503', 'timeout'];
      r.microsoft.faults.randomKinds = ['429', '500', '503', 'timeout'];
      r.google.faults.randomShare = r.microsoft.faults.randomShare = 0.33;
      for (const id of ids) await inject(r, 'POST', `/api/v1/me/saved/${id}`);
      await r.t.services.worker.drain();
      r.t.clock.now += 1000;
      for (const id of ids.slice(0, 3)) await inject(r, 'PATCH', `/api/v1/events/${id}`, { title: `Busy week ${id} (new time)`, start: '2026-12-12T20:00' }, true);
      for (const id of ids.slice(3, 5)) await inject(r, 'POST', `/api/v1/events/${id}/cancel`, undefined, true);
      await inject(r, 'DELETE', `/api/v1/me/saved/${ids[5]}`);
      await settle(r, 120);
      r.google.faults.randomShare = r.microsoft.faults.randomShare = 0;
      await settle(r);
      assert.ok(r.google.requests.length > 0);
      await assertCalendarsMatchStore(r);
    });
  });
}

const pg = testEngines.find((e) => e.name === 'postgres')!;

// SQLite is a file inside the process: it cannot restart under us. PostgreSQL can.
describe('push sync while PostgreSQL restarts mid fan-out', { skip: pg.skip }, () => {
  let r: Rig;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  before(async () => {
    const direct = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
    const proxied = new URL(direct);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    r = await startRig(pg, proxied.href);
  });
  after(async () => {
    await stopRig(r);
    await proxy?.close();
  });

  it('delivers every copy once after the database comes back', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await createEvent(r, `Restart ${i}`));
    for (const id of ids) await inject(r, 'POST', `/api/v1/me/saved/${id}`);
    r.google.faults.delayMs = 80;
    r.microsoft.faults.delayMs = 80;
    const fanOut = r.t.services.worker.drain().catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 120)); // requests are in flight now
    proxy.cut();
    assert.ok((await fanOut) instanceof Error, 'the worker saw the database go away');
    const during = await r.t.app.inject({ url: '/readyz' });
    assert.equal(during.statusCode, 503, 'not ready while the database is down');
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.restore();
    r.google.faults.delayMs = 0;
    r.microsoft.faults.delayMs = 0;
    // Leases of the jobs that were running run out; the next claims take them over.
    r.t.clock.now += 10 * 60_000;
    await settle(r);
    await assertCalendarsMatchStore(r);
  });
});
