import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../../helpers/databases.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { emulatorClient, emulatorSettings } from '../../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../../emulators/microsoft.ts';

// Issue 12, finding 8: the one-time OAuth state is checked (session, provider, age) before it is
// used up, so a callback from the wrong session cannot burn the sign-in of the person it
// belongs to. And (finding 2) Microsoft always shows its account picker.

const PUBLIC = 'https://cal.example.test';

for (const engine of testEngines) {
  describe(`OAuth state checks on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let microsoft: MicrosoftEmulator;
    let t: TestApp;
    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google, microsoft }) });
    });
    after(async () => {
      await t?.close();
      await google?.close();
      await microsoft?.close();
    });

    /** Starts a connect as a new browser; its session cookie and the callback the provider sends back. */
    async function consent(kind: 'google' | 'microsoft'): Promise<{ cookie: string; callback: string; authorize: URL }> {
      const begin = await t.app.inject({ url: `/connect/${kind}?mode=busy` });
      assert.equal(begin.statusCode, 302, begin.body);
      const cookie = String(begin.headers['set-cookie']).split(';')[0]!;
      const authorize = new URL(String(begin.headers.location));
      const answer = await fetch(authorize, { redirect: 'manual' });
      const back = new URL(answer.headers.get('location')!);
      return { cookie, callback: back.pathname + back.search, authorize };
    }

    it("a callback from another session is refused and the owner's sign-in still completes", async () => {
      const alice = await consent('google');
      const mallory = String((await t.app.inject({ method: 'POST', url: '/api/v1/me/feed-token/rotate' })).headers['set-cookie']).split(';')[0]!;
      const foreign = await t.app.inject({ url: alice.callback, headers: { cookie: mallory } });
      assert.equal(foreign.statusCode, 400);
      assert.match(foreign.body, /another browser session/);
      const noSession = await t.app.inject({ url: alice.callback });
      assert.equal(noSession.statusCode, 400);
      const done = await t.app.inject({ url: alice.callback, headers: { cookie: alice.cookie } });
      assert.equal(done.statusCode, 302, done.body);
      assert.match(String(done.headers.location), /^\/me\?connected=/);
      const replay = await t.app.inject({ url: alice.callback, headers: { cookie: alice.cookie } });
      assert.equal(replay.statusCode, 400, 'then it is used up');
      assert.match(replay.body, /already used/);
    });

    it("a state sent to the other provider's callback does not burn it", async () => {
      const alice = await consent('google');
      const wrongKind = await t.app.inject({ url: alice.callback.replace('/connect/google/', '/connect/microsoft/'), headers: { cookie: alice.cookie } });
      assert.equal(wrongKind.statusCode, 400);
      const done = await t.app.inject({ url: alice.callback, headers: { cookie: alice.cookie } });
      assert.equal(done.statusCode, 302, done.body);
    });

    it('an expired state is refused', async () => {
      const alice = await consent('google');
      t.clock.now += 11 * 60_000;
      try {
        const late = await t.app.inject({ url: alice.callback, headers: { cookie: alice.cookie } });
        assert.equal(late.statusCode, 400);
        assert.match(late.body, /took too long/);
      } finally {
        t.clock.now -= 11 * 60_000;
      }
    });

    it('asks Microsoft to show its account picker (prompt=select_account); Google keeps prompt=consent', async () => {
      const ms = await t.app.inject({ url: '/connect/microsoft?mode=busy' });
      assert.equal(new URL(String(ms.headers.location)).searchParams.get('prompt'), 'select_account');
      const g = await t.app.inject({ url: '/connect/google?mode=busy' });
      assert.equal(new URL(String(g.headers.location)).searchParams.get('prompt'), 'consent');
    });
  });
}
