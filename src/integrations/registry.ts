import type { Config } from '../infra/config.ts';
import type { Connection } from '../infra/db/connection-repository.ts';
import { createGoogleProvider } from './google/index.ts';
import { createMicrosoftProvider } from './microsoft/index.ts';
import type { TokenLifecycle } from './oauth/token-lifecycle.ts';
import { ProviderError, type CalendarProvider } from './provider.ts';

/** Kind -> adapter: the only place that knows which adapter serves which connection. */
export function createProviderRegistry(config: Config, tokens: TokenLifecycle) {
  return {
    forConnection(connection: Connection): CalendarProvider {
      const accessToken = () => tokens.accessToken(connection.id);
      switch (connection.kind) {
        case 'google':
          return createGoogleProvider({ apiUrl: config.google.apiUrl, connectionId: connection.id, accessToken });
        case 'microsoft':
          return createMicrosoftProvider({ graphUrl: config.microsoft.graphUrl, connectionId: connection.id, accessToken });
        default:
          throw new ProviderError('permanent', `no adapter for ${connection.kind} connections yet`);
      }
    },
  };
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
