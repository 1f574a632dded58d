import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/infra/db/database.ts';
import { migrateToLatest } from '../../src/infra/db/migrate.ts';
import { ConfigError, loadConfig } from '../../src/infra/config.ts';
import { parseIsoInstant } from '../../src/core/time/instant.ts';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, startTestServer, type TestApp } from '../helpers/app.ts';

// Finding 9: files and limits. The SQLite files are owner-only; every error (Fastify's own
// included) is a problem document; impossible dates are refused by name; open connections are
// capped; an operator-chosen ADMIN_TOKEN is long enough.

describe('the SQLite files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-files-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const mode = (file: string) => fs.statSync(path.join(dir, file)).mode & 0o777;

  it('are created owner-only, the -wal and -shm files too', async () => {
    const handle = openDatabase({ url: `file:${path.join(dir, 'new.sqlite')}` });
    try {
      await migrateToLatest(handle);
      for (const file of ['new.sqlite', 'new.sqlite-wal', 'new.sqlite-shm']) assert.equal(mode(file).toString(8), '600', file);
    } finally {
      await handle.close();
    }
  });

  it('of an older install are tightened on start', async () => {
    fs.writeFileSync(path.join(dir, 'old.sqlite'), '', { mode: 0o644 });
    fs.chmodSync(path.join(dir, 'old.sqlite'), 0o644);
    const handle = openDatabase({ url: `file:${path.join(dir, 'old.sqlite')}` });
    try {
      await migrateToLatest(handle);
      assert.equal(mode('old.sqlite').toString(8), '600');
    } finally {
      await handle.close();
    }
  });
});

describe('impossible dates', () => {
  it('are refused, not rolled over to another day', () => {
    for (const text of ['2027-02-30T00:00:00Z', '2027-02-29T12:00Z', '2027-13-01T00:00:00Z', '2027-04-31T00:00:00+02:00', '2027-01-01T24:00:00Z', '2027-01-01T10:60:00Z', '2027-01-01T10:00:61Z', '2027-01-01T10:00:00+24:00'])
      assert.equal(parseIsoInstant(text), null, text);
    assert.equal(parseIsoInstant('2028-02-29T12:00:00.5+01:00'), Date.parse('2028-02-29T11:00:00.500Z'));
    assert.equal(parseIsoInstant('2027-03-02T00:00Z'), Date.parse('2027-03-02T00:00:00Z'));
  });
});

for (const engine of testEngines) {
  describe(`errors before our routes are problem documents too (${engine.name})`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(() => t?.close());

    const get = async (url: string) => {
      const res = await t.app.inject({ url, headers: t.auth });
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `${url}: ${res.body}`);
      return { status: res.statusCode, body: res.json() };
    };

    it('names a path parameter longer than its schema allows, instead of Fastify’s 414 or "no route"', async () => {
      const long = 'a'.repeat(121);
      for (const url of [`/api/v1/events/${long}`, `/events/${long}.ics`]) {
        const { status, body } = await get(url);
        assert.equal(status, 400, url);
        assert.equal(body.errors[0].field, 'id');
      }
      const { status, body } = await get(`/api/v1/events/${'a'.repeat(110)}`);
      assert.equal(status, 404);
      assert.doesNotMatch(body.detail, /no route/, 'a 110-character id reaches the route');
      // Past the router's limit: still a problem document (get checks the content type).
      assert.ok([404, 414].includes((await get(`/events/${'a'.repeat(600)}.ics`)).status));
    });

    it('answers bad percent-encoding with a 400 problem', async () => {
      for (const url of ['/api/v1/events/a%zz', '/events/%E0%A4%A.ics']) {
        const { status, body } = await get(url);
        assert.equal(status, 400);
        assert.match(body.detail, /percent-encoding/);
      }
    });

    it('refuses impossible dates in from/to with a 400 naming the field', async () => {
      const events = await get('/api/v1/events?from=2027-02-30T00:00:00Z');
      assert.equal(events.status, 400);
      assert.deepEqual(events.body.errors.map((e: { field: string }) => e.field), ['from']);
      const me = String((await t.app.inject({ method: 'POST', url: '/api/v1/me/feed-token' })).headers['set-cookie'] ?? '').split(';')[0]!;
      const res = await t.app.inject({ url: '/api/v1/me/conflicts?from=2027-02-01T00:00:00Z&to=2027-02-30T00:00:00Z', headers: { cookie: me } });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json().errors.map((e: { field: string }) => e.field), ['to']);
    });
  });
}

describe('open connections', () => {
  it('are capped at MAX_CONNECTIONS: one more is closed at once', async () => {
    const t = await startTestServer(testEngines[0]!, { MAX_CONNECTIONS: '2' });
    const { port } = new URL(t.baseUrl);
    const sockets: net.Socket[] = [];
    try {
      assert.equal(t.app.server.maxConnections, 2);
      const open = () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(Number(port), '127.0.0.1', () => resolve(s)).on('error', reject);
          sockets.push(s);
        });
      await open();
      await open();
      const third = await open();
      const closed = await new Promise<boolean>((resolve) => {
        third.on('close', () => resolve(true));
        third.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        setTimeout(() => resolve(false), 2_000);
      });
      assert.equal(closed, true, 'the third connection was refused');
    } finally {
      for (const s of sockets) s.destroy();
      await t.close();
    }
  });
});

describe('an operator-chosen ADMIN_TOKEN', () => {
  it('must be at least 32 characters', () => {
    assert.throws(() => loadConfig({ ADMIN_TOKEN: 'x'.repeat(31) }), (e: ConfigError) => /ADMIN_TOKEN must be at least 32 characters/.test(e.message));
    assert.equal(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).adminToken, 'x'.repeat(32));
    assert.equal(loadConfig({}).adminToken, null, 'unset: one is generated (32 characters)');
  });

  it('TRUST_PROXY: none by default; a hop count, addresses or CIDRs when set', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone' }), /TRUST_PROXY/);
  });
});
