import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { testEngines } from '../../helpers/databases.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../../emulators/microsoft.ts';
import { createTokenLifecycle } from '../../../src/integrations/oauth/token-lifecycle.ts';
import { refreshTokens } from '../../../src/integrations/oauth/flow.ts';
import { ProviderError } from '../../../src/integrations/provider.ts';

// Connecting Google and Microsoft through the whole app against the local emulators: consent,
// callback, sealed tokens, the app's own calendar, refresh, rotation, a dead grant, reconnect and
// disconnect.

const PUBLIC = 'https://cal.example.test';
const clients = (kind: string) => [{ clientId: `${kind}-client`, clientSecret: `${kind}-secret`, redirectUris: [`${PUBLIC}/connect/${kind}/callback`] }];

for (const engine of testEngines) {
  describe(`connecting Google and Microsoft on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let microsoft: MicrosoftEmulator;
    let t: TestApp;

    before(async () => {
      google = await startGoogleEmulator({ clients: clients('google') });
      microsoft = await startMicrosoftEmulator({ clients: clients('microsoft') });
      t = await startTestApp(engine, {
        PUBLIC_URL: PUBLIC,
        GOOGLE_CLIENT_ID: 'google-client',
        GOOGLE_CLIENT_SECRET: 'google-secret',
        GOOGLE_ACCOUNTS_URL: google.url,
        GOOGLE_OAUTH2_URL: google.url,
        GOOGLE_API_URL: google.url,
        MICROSOFT_CLIENT_ID: 'microsoft-client',
        MICROSOFT_CLIENT_SECRET: 'microsoft-secret',
        MICROSOFT_LOGIN_URL: microsoft.url,
        MICROSOFT_GRAPH_URL: microsoft.url,
      });
    });
    after(async () => {
      await t?.close();
      await google?.close();
      await microsoft?.close();
    });

    /** A browser session: keeps its cookie, follows the provider's redirects until our callback. */
    function browser() {
      let cookie = '';
      const inject = async (url: string) => {
        const res = await t.app.inject({ url, headers: cookie ? { cookie } : {} });
        const set = res.headers['set-cookie'];
        if (set) cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
        return res;
      };
      return {
        inject,
        /**
         * Starts a connect and returns the callback URL the provider sent the browser back to.
         * `account`: sign in as another person than the emulator's default (login_hint).
         */
        async consent(start: string, account?: string): Promise<string> {
          const begin = await inject(start);
          assert.equal(begin.statusCode, 302, begin.body);
          const authorize = new URL(String(begin.headers.location));
          if (account) authorize.searchParams.set('login_hint', account);
          const consent = await fetch(authorize, { redirect: 'manual' });
          assert.equal(consent.status, 302);
          const back = new URL(consent.headers.get('location')!);
          assert.equal(back.origin, PUBLIC);
          return back.pathname + back.search;
        },
        cookie: () => cookie,
      };
    }

    async function connections(b: ReturnType<typeof browser>) {
      return (await b.inject('/api/v1/me/connections')).json().items as { id: string; kind: string; status: string; account: string; targetCalendar: { name: string } | null; reconnectUrl: string; mode: string }[];
    }

    it('connects Google with PKCE and the narrowest scopes, seals the tokens and creates the app calendar', async () => {
      const b = browser();
      const begin = await b.inject('/connect/google?mode=push');
      const authorize = new URL(String(begin.headers.location));
      assert.equal(authorize.origin + authorize.pathname, `${google.url}/o/oauth2/v2/auth`);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(authorize.searchParams.get('access_type'), 'offline');
      assert.equal(authorize.searchParams.get('scope'), 'openid email https://www.googleapis.com/auth/calendar.freebusy https://www.googleapis.com/auth/calendar.calendarlist.readonly https://www.googleapis.com/auth/calendar.app.created');
      assert.match(authorize.searchParams.get('state')!, /^[\w-]{20,}$/);
      const consent = await fetch(authorize.href, { redirect: 'manual' });
      const callback = new URL(consent.headers.get('location')!);
      const done = await b.inject(callback.pathname + callback.search);
      assert.equal(done.statusCode, 302);
      assert.match(String(done.headers.location), /^\/me\?connected=/);
      const [c] = await connections(b);
      assert.equal(c!.kind, 'google');
      assert.equal(c!.status, 'active');
      assert.equal(c!.account, 'nina@gmail.test');
      assert.equal(c!.targetCalendar?.name, 'Calendar Club');
      assert.equal([...google.calendars.values()].filter((cal) => cal.summary === 'Calendar Club').length, 1);
      const row = await t.database.db.selectFrom('connections').selectAll().executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes('at-') && !JSON.stringify(row).includes('rt-'), 'tokens are sealed');

      const replay = await b.inject(callback.pathname + callback.search);
      assert.equal(replay.statusCode, 400, 'a state works once');
      assert.match(replay.body, /already used/);
    });

    it('refuses a callback from another session, a provider error and a replayed code; stores nothing', async () => {
      const before = (await t.database.db.selectFrom('connections').selectAll().execute()).length;
      const alice = browser();
      const mallory = browser();
      await mallory.inject('/api/v1/me');
      const callback = await alice.consent('/connect/google?mode=busy');
      const foreign = await mallory.inject(callback);
      assert.equal(foreign.statusCode, 400);
      assert.match(foreign.body, /another browser session/);

      const denied = await alice.inject('/connect/microsoft?mode=busy');
      const state = new URL(String(denied.headers.location)).searchParams.get('state')!;
      const error = await alice.inject(`/connect/microsoft/callback?error=access_denied&state=${state}`);
      assert.equal(error.statusCode, 400);
      assert.match(error.body, /did not grant access \(access_denied\)/);
      assert.equal((await t.database.db.selectFrom('connections').selectAll().execute()).length, before);
    });

    it('connects Microsoft, reads the account from Graph, and concurrent callers share one refresh whose rotated token is kept', async () => {
      const b = browser();
      const done = await b.inject(await b.consent('/connect/microsoft?mode=push'));
      assert.equal(done.statusCode, 302);
      const c = (await connections(b)).find((x) => x.kind === 'microsoft')!;
      assert.equal(c.account, 'nina@outlook.test');
      assert.equal(c.targetCalendar?.name, 'Calendar Club');
      await t.database.db.updateTable('connections').set({ access_expires_at: 0 }).where('id', '=', c.id).execute();
      const refresher = (kind: string) => (token: string) => refreshTokens(t.config, kind as 'microsoft', token);
      const processA = createTokenLifecycle({ connections: t.services.connectionRepository, refresherFor: refresher, waitMs: 10 });
      const processB = createTokenLifecycle({ connections: t.services.connectionRepository, refresherFor: refresher, waitMs: 10 });
      const refreshesBefore = microsoft.oauth.counters.refreshes;
      const tokens = await Promise.all([processA.accessToken(c.id), processB.accessToken(c.id), processA.accessToken(c.id), processB.accessToken(c.id)]);
      assert.equal(new Set(tokens).size, 1);
      assert.equal(microsoft.oauth.counters.refreshes - refreshesBefore, 1, 'one refresh for both processes');
      assert.equal(microsoft.oauth.liveRefreshTokens('nina@outlook.test'), 1, 'the rotated token is the only live one');
      const secrets = await t.services.connectionRepository.secrets(c.id);
      await t.database.db.updateTable('connections').set({ access_expires_at: 0 }).where('id', '=', c.id).execute();
      await processA.accessToken(c.id);
      assert.notEqual((await t.services.connectionRepository.secrets(c.id)).refreshToken, secrets.refreshToken, 'rotated again, and kept');
    });

    it('refreshes once when two separate processes need the token at the same time', { skip: engine.name === 'sqlite' && 'an in-memory SQLite database cannot be shared between processes' }, async () => {
      const b = browser();
      await b.inject(await b.consent('/connect/microsoft?mode=busy', 'rosa@outlook.test'));
      const c = (await connections(b)).find((x) => x.kind === 'microsoft' && x.mode === 'busy')!;
      await t.database.db.updateTable('connections').set({ access_expires_at: 0 }).where('id', '=', c.id).execute();
      const before = microsoft.oauth.counters.refreshes;
      const env = {
        ...process.env,
        DATABASE_URL: process.env.TEST_DATABASE_URL!,
        TEST_SCHEMA: t.database.schema!,
        TOKEN_ENCRYPTION_KEYS: t.config.tokenEncryptionKeys!,
        MICROSOFT_CLIENT_ID: 'microsoft-client',
        MICROSOFT_CLIENT_SECRET: 'microsoft-secret',
        MICROSOFT_LOGIN_URL: microsoft.url,
        MICROSOFT_GRAPH_URL: microsoft.url,
      };
      const run = () => new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(import.meta.dirname, 'refresh-process.ts'), c.id], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
      });
      const [a, bToken] = await Promise.all([run(), run()]);
      assert.equal(a, bToken, 'both processes got the same fresh token');
      assert.equal(microsoft.oauth.counters.refreshes - before, 1, 'one refresh between them');
      assert.equal(microsoft.oauth.liveRefreshTokens('rosa@outlook.test') >= 1, true);
      assert.equal((await connections(b)).find((x) => x.id === c.id)!.status, 'active');
    });

    it('turns a revoked grant into "reconnect needed", and reconnecting resumes the same connection', async () => {
      // Another person than the other tests' (whose browsers would be joined as one person).
      const b = browser();
      await b.inject(await b.consent('/connect/google?mode=busy', 'rosa@gmail.test'));
      const c = (await connections(b)).find((x) => x.kind === 'google' && x.mode === 'busy')!;
      google.oauth.revokeAllFor('rosa@gmail.test');
      await t.database.db.updateTable('connections').set({ access_expires_at: 0 }).where('id', '=', c.id).execute();
      await assert.rejects(t.services.tokens.accessToken(c.id), (e: ProviderError) => e.code === 'reconnect_required');
      const broken = (await connections(b)).find((x) => x.id === c.id)!;
      assert.equal(broken.status, 'reconnect_required');
      assert.equal(broken.reconnectUrl, `/connect/google?reconnect=${c.id}`);
      await b.inject(await b.consent(broken.reconnectUrl, 'rosa@gmail.test'));
      const again = (await connections(b)).find((x) => x.id === c.id)!;
      assert.equal(again.status, 'active');
      assert.match(await t.services.tokens.accessToken(c.id), /^at-/);
    });

    it('disconnects: revokes at Google and deletes every secret', async () => {
      const b = browser();
      await b.inject(await b.consent('/connect/google?mode=push'));
      const c = (await connections(b)).find((x) => x.kind === 'google')!;
      const revocations = google.oauth.counters.revocations;
      const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/connections/${c.id}`, headers: { cookie: b.cookie() } });
      assert.equal(res.statusCode, 204);
      assert.equal(google.oauth.counters.revocations, revocations + 1);
      assert.equal(google.oauth.liveRefreshTokens('nina@gmail.test'), 0);
      assert.equal(await t.database.db.selectFrom('connections').selectAll().where('id', '=', c.id).executeTakeFirst(), undefined);
    });
  });
}
