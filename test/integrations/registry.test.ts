import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProviderRegistry } from '../../src/integrations/registry.ts';
import type { Connection } from '../../src/core/sync/connection.ts';
import { startMicrosoftEmulator } from '../emulators/microsoft.ts';

// The registry makes every adapter, and puts each behind its account's request gate: Graph's
// limit of 4 requests in flight is per mailbox, so two connections of one mailbox (a retired
// duplicate, or one per visitor before they were joined) must share one gate, not have one each.

const connection = (id: string, account: string | null): Connection => ({
  id, visitorId: `v-${id}`, kind: 'microsoft', mode: 'push', status: 'active', statusReason: null, account, serverUrl: null,
  targetCalendarId: null, targetCalendarName: null, scope: null, accessExpiresAt: null, createdAt: 0, updatedAt: 0,
});

describe('provider registry', () => {
  it('gates requests per account (mailbox), whatever the connection', async () => {
    const microsoft = await startMicrosoftEmulator({ clients: [] });
    try {
      const keys: string[] = [];
      const registry = createProviderRegistry({
        endpoints: { googleApiUrl: 'http://127.0.0.1:9', graphUrl: microsoft.url },
        timeoutMs: 1000,
        allowPrivateNetwork: true,
        tokens: { sourceFor: () => ({ current: async () => 'no-token', renew: async () => 'no-token' }) },
        caldavPassword: async () => null,
        gate: {
          async enter(key) {
            keys.push(key);
            return async () => {};
          },
        },
      });
      for (const c of [connection('a', 'Nina@Outlook.test'), connection('b', 'nina@outlook.test'), connection('c', null)]) {
        await (await registry.forConnection(c)).listCalendars().catch(() => undefined); // 401 from the emulator: the gate was passed first
      }
      assert.deepEqual(keys, ['microsoft:nina@outlook.test', 'microsoft:nina@outlook.test', 'connection:c']);
    } finally {
      await microsoft.close();
    }
  });
});
