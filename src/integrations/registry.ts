import type { Config } from '../infra/config.ts';
import type { Connection, ConnectionRepository } from '../infra/db/connection-repository.ts';
import type { RequestGate } from '../infra/db/request-gate.ts';
import { createCalDavProvider } from './caldav/index.ts';
import { createGoogleProvider } from './google/index.ts';
import { createMicrosoftProvider } from './microsoft/index.ts';
import type { TokenLifecycle } from './oauth/token-lifecycle.ts';
import { ProviderError, type CalendarProvider } from './provider.ts';
import { withRequestLimits } from './request-limits.ts';

/** Kind -> adapter: the only place that knows which adapter serves which connection. */
export function createProviderRegistry(config: Config, tokens: TokenLifecycle, connections: ConnectionRepository, gate: RequestGate) {
  return {
    /** The connection's adapter, within the provider's request limits for that account. */
    async forConnection(connection: Connection): Promise<CalendarProvider> {
      return withRequestLimits(await adapterFor(connection), connection.id, gate);
    },
  };

  async function adapterFor(connection: Connection): Promise<CalendarProvider> {
    const accessToken = () => tokens.accessToken(connection.id);
    switch (connection.kind) {
      case 'google':
        return createGoogleProvider({ apiUrl: config.google.apiUrl, connectionId: connection.id, accessToken, timeoutMs: config.providerTimeoutMs });
      case 'microsoft':
        return createMicrosoftProvider({ graphUrl: config.microsoft.graphUrl, connectionId: connection.id, accessToken, timeoutMs: config.providerTimeoutMs });
      case 'caldav': {
        const { password } = await connections.secrets(connection.id);
        if (!connection.serverUrl || !password) throw new ProviderError('reconnect_required', 'the CalDAV account details are missing');
        return createCalDavProvider({
          serverUrl: connection.serverUrl,
          username: connection.account ?? '',
          password,
          allowPrivateNetwork: config.allowPrivateNetwork,
          timeoutMs: config.providerTimeoutMs,
        });
      }
      default:
        throw new ProviderError('permanent', `no adapter for ${String(connection.kind)} connections`);
    }
  }
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
