import { accountKey, type Connection } from '../core/sync/connection.ts';
import { createCalDavProvider } from './caldav/index.ts';
import { createGoogleProvider } from './google/index.ts';
import { createMicrosoftProvider } from './microsoft/index.ts';
import { ProviderError, type AccessTokenSource, type CalendarProvider } from './provider.ts';
import { withRequestLimits, type RequestGatePort } from './request-limits.ts';

/** What the registry needs from the rest of the service: narrow ports, no configuration object. */
export interface ProviderRegistryPorts {
  endpoints: { googleApiUrl: string; graphUrl: string };
  /** The deadline of every provider request (body included). */
  timeoutMs: number;
  /** CalDAV servers on private addresses (tests, self-hosting on a LAN). */
  allowPrivateNetwork: boolean;
  tokens: { sourceFor(connectionId: string): AccessTokenSource };
  caldavPassword(connectionId: string): Promise<string | null>;
  gate: RequestGatePort;
}

export interface CalDavAccount {
  serverUrl: string;
  username: string;
  password: string;
}

/** Kind -> adapter: the only place adapters are made, and always behind the account's request gate. */
export function createProviderRegistry(p: ProviderRegistryPorts) {
  const google = (connectionId: string, tokens: AccessTokenSource) =>
    createGoogleProvider({ apiUrl: p.endpoints.googleApiUrl, connectionId, tokens, timeoutMs: p.timeoutMs });
  const microsoft = (connectionId: string, tokens: AccessTokenSource) =>
    createMicrosoftProvider({ graphUrl: p.endpoints.graphUrl, connectionId, tokens, timeoutMs: p.timeoutMs });
  const caldav = (a: CalDavAccount) => createCalDavProvider({ ...a, allowPrivateNetwork: p.allowPrivateNetwork, timeoutMs: p.timeoutMs });

  async function adapterFor(connection: Connection): Promise<CalendarProvider> {
    switch (connection.kind) {
      case 'google':
        return google(connection.id, p.tokens.sourceFor(connection.id));
      case 'microsoft':
        return microsoft(connection.id, p.tokens.sourceFor(connection.id));
      case 'caldav': {
        const password = await p.caldavPassword(connection.id);
        if (!connection.serverUrl || !password) throw new ProviderError('reconnect_required', 'the CalDAV account details are missing');
        return caldav({ serverUrl: connection.serverUrl, username: connection.account ?? '', password });
      }
      default:
        throw new ProviderError('permanent', `no adapter for ${String(connection.kind)} connections`);
    }
  }

  return {
    /** The connection's adapter, within the provider's request limits for that account. */
    async forConnection(connection: Connection): Promise<CalendarProvider> {
      return withRequestLimits(await adapterFor(connection), accountKey(connection), p.gate);
    },

    /**
     * An adapter for a grant that is not stored yet (the connect callback), with its one access
     * token: a refused token there is simply refused.
     */
    forNewGrant(kind: 'google' | 'microsoft', connectionId: string, accessToken: string): CalendarProvider {
      const tokens: AccessTokenSource = {
        current: async () => accessToken,
        renew: async () => {
          throw new ProviderError('reconnect_required', 'the new access token was refused');
        },
      };
      return kind === 'google' ? google(connectionId, tokens) : microsoft(connectionId, tokens);
    },

    /** An adapter for CalDAV details a person typed, before anything is stored (discovery). */
    forCalDavAccount(account: CalDavAccount): CalendarProvider {
      return caldav(account);
    },
  };
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
