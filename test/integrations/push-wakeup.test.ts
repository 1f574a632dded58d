import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';

// A sleeping worker starts on new jobs at once: PostgreSQL tells it with NOTIFY (any process),
// SQLite in-process. The poll interval here is ten minutes, so only the wake-up can explain a
// copy that arrives within seconds.

const PUBLIC = 'https://cal.example.test';

for (const engine of testEngines) {
  describe(`worker wake-up on new jobs on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let t: TestApp;
    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google }), PUSH_POLL_MS: '600000' });
    });
    after(async () => {
      await t?.services.worker.stop();
      await t?.close();
      await google?.close();
    });

    it('pushes a saved event within seconds although the worker polls every ten minutes', async () => {
      const { cookie } = await connectThroughEmulator(t, 'google');
      t.services.worker.start();
      // Let the first (empty) round pass, so the worker is asleep when the job comes.
      await new Promise((r) => setTimeout(r, 300));
      for (const title of ['Woken once', 'Woken twice']) {
        const e = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title, start: '2026-12-20T18:00', end: '2026-12-20T19:00', timezone: 'UTC' } });
        await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.json().id}`, headers: { cookie } });
        const deadline = Date.now() + 10_000;
        while (![...google.events.values()].some((g) => g.summary === title)) {
          assert.ok(Date.now() < deadline, `"${title}" was not pushed within 10 s`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    });
  });
}
