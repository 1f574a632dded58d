import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

// The connect flow against the provider emulators is in test/integrations; this covers a
// server with no provider configured.
describe('connections without configured providers', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(testEngines[0]!);
  });
  after(() => t.close());

  it('lists no connections and says which providers can be connected', async () => {
    const res = await t.app.inject('/api/v1/me/connections');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      items: [],
      providers: [
        { kind: 'google', configured: false, connectUrl: '/connect/google' },
        { kind: 'microsoft', configured: false, connectUrl: '/connect/microsoft' },
      ],
      notice: null,
      sandboxBusyUrl: null,
    });
  });

  it('explains on a page that a provider is not configured, and stores nothing', async () => {
    const res = await t.app.inject('/connect/google?mode=busy');
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /Could not connect Google/);
    assert.match(res.body, /not configured/);
    assert.equal((await t.database.db.selectFrom('oauth_states').selectAll().execute()).length, 0);
  });

  it('refuses a callback with a missing or unknown state', async () => {
    const missing = await t.app.inject('/connect/google/callback?code=abc');
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /no state/);
    const unknown = await t.app.inject('/connect/microsoft/callback?code=abc&state=forged');
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /already used or is unknown/);
    assert.equal((await t.database.db.selectFrom('connections').selectAll().execute()).length, 0);
  });

  it('404s disconnecting a connection that is not yours', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/connections/nope' });
    assert.equal(res.statusCode, 404);
  });
});
