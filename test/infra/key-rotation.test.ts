import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/infra/db/database.ts';
import { migrateToLatest } from '../../src/infra/db/migrate.ts';
import { loadConfig } from '../../src/infra/config.ts';
import { createServices } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';
import { createConnectionRepository, type Connection } from '../../src/infra/db/connection-repository.ts';
import { createVisitorRepository } from '../../src/infra/db/visitor-repository.ts';
import { createTokenLifecycle } from '../../src/integrations/oauth/token-lifecycle.ts';
import { createTokenVault, parseVaultKeys } from '../../src/infra/crypto/token-vault.ts';
import { resealUntilNoneLeft } from '../../src/infra/crypto/vault-keys.ts';
import { testEngines, type TestDatabase } from '../helpers/databases.ts';
import { ADMIN_TOKEN, SESSION_SECRET } from '../helpers/app.ts';

// Finding 4: `npm run keys -- rotate` while a server runs. Whatever the server seals after the
// rotation (a new connection, a refreshed token) must be under the new key, so that the old key
// can be dropped and every connection still opens.

const root = path.resolve(import.meta.dirname, '../..');
const NOW = Date.parse('2026-11-24T12:00:00Z');

function connectionRow(id: string, accessExpiresAt: number): Connection {
  return {
    id,
    visitorId: 'visitor-1',
    kind: 'microsoft',
    mode: 'push',
    status: 'active',
    statusReason: null,
    account: `${id}@example.com`,
    serverUrl: null,
    targetCalendarId: null,
    targetCalendarName: null,
    scope: 'Calendars.ReadWrite offline_access',
    accessExpiresAt,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

for (const engine of testEngines) {
  describe(`key rotation while the server runs (${engine.name})`, { skip: engine.skip }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-rotate-'));
    let database: TestDatabase;
    after(async () => {
      await database?.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('seals under the new key at once; with the old key removed every connection still opens', async () => {
      // SQLite in a file the rotating process can open too; PostgreSQL in this test's schema.
      let databaseEnv: Record<string, string>;
      if (engine.name === 'sqlite') {
        const url = `file:${path.join(dir, 'cc.sqlite')}`;
        const handle = openDatabase({ url });
        await migrateToLatest(handle);
        database = { ...handle, dispose: () => handle.close() };
        databaseEnv = { DATABASE_URL: url };
      } else {
        database = await engine.open();
        databaseEnv = { DATABASE_URL: process.env.TEST_DATABASE_URL!, DATABASE_SCHEMA: database.schema! };
      }
      const env = { ...databaseEnv, DATA_DIR: dir, TOKEN_ENCRYPTION_KEYS: '', PUBLIC_URL: 'https://cal.example.test', DEMO_DATA: 'false' };
      const config = loadConfig(env);
      const services = createServices(config, database, () => NOW);
      const app = await buildApp({ services, adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logger: false });
      await app.ready();
      try {
        const connections = services.connectionRepository;
        await createVisitorRepository(database.db).create('visitor-1', NOW);
        await connections.create(connectionRow('before', NOW - 1000), { accessToken: 'a-0', refreshToken: 'r-0' });
        const oldKeyId = fs.readFileSync(path.join(dir, 'token-keys'), 'utf8').split(':')[0]!;

        const rotate = spawnSync(process.execPath, ['src/keys.ts', 'rotate'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
        assert.equal(rotate.status, 0, rotate.stderr);
        assert.match(rotate.stdout, /re-sealed 1 connection secret/);
        assert.match(rotate.stdout, /no connection secret is left under an older key/);

        // The running server, after the rotation: a new connection, and a refresh of the old one.
        await connections.create(connectionRow('after', NOW + 3_600_000), { accessToken: 'a-new', refreshToken: 'r-new' });
        const tokens = createTokenLifecycle({
          connections,
          refresherFor: () => async () => ({ accessToken: 'a-1', expiresInSeconds: 3600, refreshToken: 'r-1' }),
          clock: () => NOW,
        });
        assert.equal(await tokens.accessToken('before'), 'a-1', 'refreshed');

        // The operator drops the old key: only the first line of the key file stays.
        const lines = fs.readFileSync(path.join(dir, 'token-keys'), 'utf8').trim().split('\n');
        assert.equal(lines.length, 2);
        assert.ok(lines[1]!.startsWith(`${oldKeyId}:`), 'the old key came second');
        const newKeysOnly = createConnectionRepository(database.db, createTokenVault(parseVaultKeys(lines[0]!)));
        assert.deepEqual(await newKeysOnly.secrets('before'), { accessToken: 'a-1', refreshToken: 'r-1' });
        assert.deepEqual(await newKeysOnly.secrets('after'), { accessToken: 'a-new', refreshToken: 'r-new' });
      } finally {
        await app.close();
      }
    });
  });
}

describe('resealing until nothing is left under an older key', () => {
  it('passes again while passes find old secrets, and once more after a pause', async () => {
    const found = [2, 1, 0, 1, 0];
    let calls = 0;
    const total = await resealUntilNoneLeft({ resealAll: async () => found[calls++] ?? 0 }, 1);
    assert.equal(total, 4);
    assert.equal(calls, 5, 'a secret sealed by a server late in the rotation is caught by the pass after the pause');
  });
});
