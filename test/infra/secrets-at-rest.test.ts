import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from '../../src/infra/db/database.ts';
import { migrateToLatest } from '../../src/infra/db/migrate.ts';
import { createConnectionRepository } from '../../src/infra/db/connection-repository.ts';
import { createVisitorRepository } from '../../src/infra/db/visitor-repository.ts';
import { createVisitorUseCases } from '../../src/app/visitors.ts';
import { createEventRepository } from '../../src/infra/db/event-repository.ts';
import { createReloadingVault, loadVaultKeys } from '../../src/infra/crypto/vault-keys.ts';
import { loadConfig } from '../../src/infra/config.ts';
import { testEngines } from '../helpers/databases.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRETS = { accessToken: 'ya29.ACCESS-secret-value', refreshToken: '1//REFRESH-secret-value', password: 'app-password-secret' };

async function storeSecrets(handle: DatabaseHandle, vault: ReturnType<typeof createReloadingVault>) {
  await createVisitorRepository(handle.db).create('visitor-1', Date.now());
  const connections = createConnectionRepository(handle.db, vault);
  await connections.create(
    {
      id: 'conn-1',
      visitorId: 'visitor-1',
      kind: 'caldav',
      mode: 'push',
      status: 'active',
      statusReason: null,
      account: 'nina',
      serverUrl: 'https://caldav.example.com/',
      targetCalendarId: null,
      targetCalendarName: null,
      scope: null,
      accessExpiresAt: null,
      createdAt: Date.now(),
      updatedAt: Date.now(),
    },
    SECRETS,
  );
  const visitors = createVisitorUseCases({ visitors: createVisitorRepository(handle.db), events: createEventRepository(handle.db) });
  const feedToken = await visitors.rotateFeedToken('visitor-1');
  return { connections, feedToken };
}

function assertNoSecret(dump: string, feedToken: string) {
  for (const secret of [...Object.values(SECRETS), feedToken]) assert.ok(!dump.includes(secret), `found ${secret.slice(0, 8)}… in clear`);
}

describe('secrets at rest on the embedded default (SQLite file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-secrets-'));
  const env = { DATABASE_URL: `file:${path.join(dir, 'cc.sqlite')}` };
  let handle: DatabaseHandle;
  after(async () => {
    await handle?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps no secret in clear in the database file, and `npm run keys -- rotate` re-seals them while a server runs', async () => {
    const config = loadConfig(env);
    handle = openDatabase({ url: config.databaseUrl });
    await migrateToLatest(handle);
    const serverVault = createReloadingVault(() => loadVaultKeys(config));
    const { connections, feedToken } = await storeSecrets(handle, serverVault);
    assert.equal(fs.statSync(path.join(dir, 'token-keys')).mode & 0o777, 0o600);
    const fileDump = () => ['cc.sqlite', 'cc.sqlite-wal'].map((f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'latin1') : '')).join('');
    assertNoSecret(fileDump(), feedToken);

    const before = (await handle.db.selectFrom('connections').select('secrets_sealed').executeTakeFirstOrThrow()).secrets_sealed!;
    const rotate = spawnSync(process.execPath, ['src/keys.ts', 'rotate'], { cwd: root, env: { ...process.env, ...env, TOKEN_ENCRYPTION_KEYS: '' }, encoding: 'utf8' });
    assert.equal(rotate.status, 0, rotate.stderr);
    assert.match(rotate.stdout, /re-sealed 1 connection secret/);
    const after = (await handle.db.selectFrom('connections').select('secrets_sealed').executeTakeFirstOrThrow()).secrets_sealed!;
    assert.notEqual(after.split('.')[1], before.split('.')[1], 'sealed under the new key');
    assert.deepEqual(await connections.secrets('conn-1'), SECRETS, 'the running server still opens it, without a restart');
    assertNoSecret(fileDump(), feedToken);
  });
});

const pg = testEngines.find((e) => e.name === 'postgres')!;
const pgDump = spawnSync('pg_dump', ['--version']).status === 0;

describe('secrets at rest on PostgreSQL', { skip: pg.skip || (!pgDump && 'pg_dump is not installed') }, () => {
  let database: Awaited<ReturnType<typeof pg.open>>;
  before(async () => {
    database = await pg.open();
  });
  after(() => database.dispose());

  it('keeps no secret in clear in a dump of the schema', async () => {
    const keys = `kpg:${Buffer.alloc(32, 3).toString('base64')}`;
    const vault = createReloadingVault(() => loadVaultKeys(loadConfig({ TOKEN_ENCRYPTION_KEYS: keys })));
    const { feedToken } = await storeSecrets(database, vault);
    const dump = execFileSync('pg_dump', ['--data-only', `--schema=${database.schema}`, process.env.TEST_DATABASE_URL!], { encoding: 'utf8' });
    assert.match(dump, /conn-1/, 'the dump holds the connection row');
    assertNoSecret(dump, feedToken);
  });
});
