import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';

// Several worker processes on PostgreSQL share the outbox; one is killed with SIGKILL in the
// middle of a fan-out. Afterwards every saved event is in the calendar exactly once.

const PUBLIC = 'https://cal.example.test';
const root = path.resolve(import.meta.dirname, '../..');
const pg = testEngines.find((e) => e.name === 'postgres')!;

describe('worker processes sharing the outbox on PostgreSQL', { skip: pg.skip }, () => {
  let google: GoogleEmulator;
  let microsoft: MicrosoftEmulator;
  let t: TestApp;
  const workers: ChildProcess[] = [];
  const env: Record<string, string> = {
    PUBLIC_URL: PUBLIC,
    PUSH_LEASE_SECONDS: '2',
  };

  before(async () => {
    google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
    microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
    Object.assign(env, emulatorSettings({ google, microsoft }));
    t = await startTestApp(pg, env);
  });
  after(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await t?.close();
    await google?.close();
    await microsoft?.close();
  });

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['src/worker.ts'], {
      cwd: root,
      stdio: 'ignore',
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: process.env.TEST_DATABASE_URL!,
        DATABASE_SCHEMA: t.database.schema!,
        TOKEN_ENCRYPTION_KEYS: t.config.tokenEncryptionKeys!,
      },
    });
    workers.push(child);
    return child;
  }

  async function until(check: () => Promise<boolean> | boolean, ms: number, what: string) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('delivers every copy exactly once although a worker dies mid-way', async () => {
    const { cookie } = await connectThroughEmulator(t, 'google');
    const calendarId = [...google.calendars.values()].find((c) => c.summary === 'Calendar Club')!.id;

    const COUNT = 30;
    for (let i = 0; i < COUNT; i++) {
      const e = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: `Event ${i}`, start: '2026-12-20T18:00', end: '2026-12-20T19:00', timezone: 'UTC' } });
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.json().id}`, headers: { cookie } });
    }
    google.faults.delayMs = 150;
    const doomed = startWorker();
    const inCalendar = () => [...google.events.values()].filter((e) => e.calendarId === calendarId && e.status === 'confirmed').length;
    await until(() => inCalendar() >= 3, 20_000, 'the first worker to start pushing');
    doomed.kill('SIGKILL');
    google.faults.delayMs = 20;
    startWorker();
    startWorker();
    await until(async () => Object.keys(await t.services.outbox.countsByState()).length === 0, 60_000, 'the outbox to drain');
    assert.equal(inCalendar(), COUNT, 'every saved event is in the calendar');
    assert.ok([...google.inserts.values()].every((n) => n === 1), 'no event inserted twice');
    const copies = await t.database.db.selectFrom('pushed_copies').select('state').execute();
    assert.equal(copies.filter((c) => c.state === 'synced').length, COUNT);
  });

  it('keeps one mailbox at 4 requests in flight, however many workers push to it', async () => {
    const { cookie } = await connectThroughEmulator(t, 'microsoft');
    const COUNT = 24;
    for (let i = 0; i < COUNT; i++) {
      const e = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: `Talk ${i}`, start: '2026-12-21T18:00', end: '2026-12-21T19:00', timezone: 'UTC' } });
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.json().id}`, headers: { cookie } });
    }
    // Slow answers (longer than the pacing interval) keep requests in flight: three workers
    // would send up to 12 at once without the gate.
    microsoft.faults.delayMs = 400;
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    for (let i = 0; i < 3; i++) startWorker();
    await until(async () => Object.keys(await t.services.outbox.countsByState()).length === 0, 60_000, 'the outbox to drain');
    assert.equal([...microsoft.events.values()].filter((e) => String(e.subject).startsWith('Talk ')).length, COUNT);
    assert.ok([...microsoft.creates.values()].every((n) => n === 1), 'no event created twice');
    assert.ok(microsoft.stats.mostInFlight <= 4, `${microsoft.stats.mostInFlight} requests were in flight for one mailbox`);
    assert.equal(microsoft.stats.mailboxThrottled, 0, 'Graph never had to refuse a request for concurrency');
  });
});
