import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines, type TestDatabase } from '../../helpers/databases.ts';
import { createTokenVault, newVaultKey } from '../../../src/infra/crypto/token-vault.ts';
import { createConnectionRepository, type Connection } from '../../../src/infra/db/connection-repository.ts';
import { createVisitorRepository } from '../../../src/infra/db/visitor-repository.ts';
import { createTokenLifecycle, type Refresher } from '../../../src/integrations/oauth/token-lifecycle.ts';
import { ProviderError } from '../../../src/integrations/provider.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');

for (const engine of testEngines) {
  describe(`token lifecycle on ${engine.name}`, { skip: engine.skip }, () => {
    let database: TestDatabase;
    const k1 = newVaultKey('k1');
    const vault = createTokenVault([k1]);
    let n = 0;
    before(async () => {
      database = await engine.open();
      await createVisitorRepository(database.db).create('visitor-1', NOW);
    });
    after(() => database.dispose());

    async function connection(accessExpiresAt: number, refreshToken: string | null = 'refresh-0') {
      const connections = createConnectionRepository(database.db, vault);
      const c: Connection = {
        id: `conn-${++n}`,
        visitorId: 'visitor-1',
        kind: 'microsoft',
        mode: 'push',
        status: 'active',
        statusReason: null,
        account: 'nina@example.com',
        serverUrl: null,
        targetCalendarId: null,
        targetCalendarName: null,
        scope: 'Calendars.ReadWrite offline_access',
        accessExpiresAt,
        createdAt: NOW,
        updatedAt: NOW,
      };
      await connections.create(c, { accessToken: 'access-0', refreshToken });
      return { connections, id: c.id };
    }

    /** A Microsoft-like token endpoint: every refresh rotates the refresh token, the old one dies. */
    function rotatingProvider() {
      let current = 'refresh-0';
      let calls = 0;
      const refresher: Refresher = async (refreshToken) => {
        calls++;
        await new Promise((r) => setTimeout(r, 30));
        if (refreshToken !== current) throw new ProviderError('reconnect_required', 'invalid_grant: AADSTS70008');
        current = `refresh-${calls}`;
        return { accessToken: `access-${calls}`, expiresInSeconds: 3600, refreshToken: current };
      };
      return { refresher, calls: () => calls, current: () => current };
    }

    it('uses the stored access token while it is fresh', async () => {
      const { connections, id } = await connection(NOW + 3_600_000);
      const provider = rotatingProvider();
      const tokens = createTokenLifecycle({ connections, refresherFor: () => provider.refresher, clock: () => NOW });
      assert.equal(await tokens.accessToken(id), 'access-0');
      assert.equal(provider.calls(), 0);
    });

    it('refreshes once for many concurrent callers in two processes, and keeps the rotated refresh token', async () => {
      const { connections, id } = await connection(NOW + 60_000);
      const provider = rotatingProvider();
      const processA = createTokenLifecycle({ connections, refresherFor: () => provider.refresher, clock: () => NOW, waitMs: 10 });
      const processB = createTokenLifecycle({ connections, refresherFor: () => provider.refresher, clock: () => NOW, waitMs: 10 });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? processA : processB).accessToken(id)));
      assert.equal(provider.calls(), 1, 'a single refresh');
      assert.deepEqual(new Set(results), new Set(['access-1']));
      const stored = await connections.secrets(id);
      assert.equal(stored.refreshToken, provider.current(), 'the rotated refresh token was saved');
      assert.equal((await connections.get(id))!.accessExpiresAt, NOW + 3_600_000);
    });

    it('turns invalid_grant into "reconnect required", and a reconnect resumes', async () => {
      const { connections, id } = await connection(NOW - 1000, 'refresh-revoked');
      const provider = rotatingProvider();
      const tokens = createTokenLifecycle({ connections, refresherFor: () => provider.refresher, clock: () => NOW });
      await assert.rejects(tokens.accessToken(id), (e: ProviderError) => e.code === 'reconnect_required');
      const c = await connections.get(id);
      assert.equal(c!.status, 'reconnect_required');
      assert.match(c!.statusReason!, /invalid_grant/);
      await assert.rejects(tokens.accessToken(id), (e: ProviderError) => e.code === 'reconnect_required');
      assert.equal(provider.calls(), 1, 'no second call to a dead grant');
      await connections.saveSecrets(id, { accessToken: 'access-new', refreshToken: 'refresh-0' }, NOW + 3_600_000, NOW);
      assert.equal((await connections.get(id))!.status, 'active');
      assert.equal(await tokens.accessToken(id), 'access-new');
    });

    it('takes over a lease left by a crashed process once it expires', async () => {
      const { connections, id } = await connection(NOW - 1000);
      assert.equal(await connections.tryLease(id, 'dead-process', NOW - 60_000, NOW - 30_000), true);
      const provider = rotatingProvider();
      const tokens = createTokenLifecycle({ connections, refresherFor: () => provider.refresher, clock: () => NOW });
      assert.equal(await tokens.accessToken(id), 'access-1');
    });

    it('keeps every secret sealed in the database', async () => {
      const { id } = await connection(NOW + 3_600_000);
      const rows = await database.db.selectFrom('connections').selectAll().where('id', '=', id).execute();
      const dump = JSON.stringify(rows);
      assert.ok(!dump.includes('access-0') && !dump.includes('refresh-0'));
      assert.match(rows[0]!.secrets_sealed!, /^v1\.k1\./);
    });

    it('re-seals every secret under a new key; the old key is then no longer needed', async () => {
      const { id } = await connection(NOW + 3_600_000);
      const k2 = newVaultKey('k2');
      const during = createConnectionRepository(database.db, createTokenVault([k2, k1]));
      assert.ok((await during.resealAll()) >= 1);
      assert.equal(await during.resealAll(), 0, 'nothing left to do');
      const afterwards = createConnectionRepository(database.db, createTokenVault([k2]));
      assert.equal((await afterwards.secrets(id)).accessToken, 'access-0');
    });
  });
}
