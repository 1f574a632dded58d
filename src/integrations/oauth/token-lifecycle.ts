import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionStatus } from '../../core/sync/connection.ts';
import { ProviderError, type AccessTokenSource } from '../provider.ts';

/** Where tokens live (a port: infra/db/connection-repository.ts is the real one). */
export interface TokenStore {
  get(id: string): Promise<Connection | null>;
  secrets(id: string): Promise<{ accessToken?: string; refreshToken?: string | null }>;
  /** `get` and `secrets` in one read, when the store can (every provider request asks). */
  withSecrets?(id: string): Promise<{ connection: Connection; secrets: { accessToken?: string; refreshToken?: string | null } } | null>;
  saveSecrets(id: string, secrets: { accessToken?: string; refreshToken?: string | null }, accessExpiresAt: number | null, now: number, scope?: string): Promise<void>;
  setStatus(id: string, status: ConnectionStatus, reason: string | null, now: number): Promise<void>;
  tryLease(id: string, owner: string, now: number, until: number): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
}

/** What a provider's token endpoint gives back on refresh. */
export interface RefreshedTokens {
  accessToken: string;
  expiresInSeconds: number;
  /** Microsoft rotates the refresh token on every refresh; Google returns none (keep the old). */
  refreshToken?: string;
  scope?: string;
}

/** Calls the provider; throws ProviderError('reconnect_required') on invalid_grant. */
export type Refresher = (refreshToken: string) => Promise<RefreshedTokens>;

export interface TokenLifecycleOptions {
  connections: TokenStore;
  refresherFor(kind: string): Refresher;
  clock?: () => number;
  /** Refresh when the access token has less than this left (ms). */
  refreshMarginMs?: number;
  /** How long a refresh lease lasts if its holder dies (ms). */
  leaseMs?: number;
  /** Poll interval while another process holds the lease (ms). */
  waitMs?: number;
}

/**
 * Access tokens for connections, refreshed ahead of expiry. One refresh at a time per
 * connection: in this process through one shared promise, across processes through a lease
 * row — two workers must never both spend a rotating (Microsoft) refresh token.
 */
export function createTokenLifecycle(o: TokenLifecycleOptions) {
  const clock = o.clock ?? Date.now;
  const margin = o.refreshMarginMs ?? 5 * 60_000;
  const leaseMs = o.leaseMs ?? 30_000;
  const waitMs = o.waitMs ?? 100;
  const owner = randomUUID();
  const inFlight = new Map<string, Promise<string>>();

  /** `refused`: a token the provider just refused; it is not valid, whatever its expiry says. */
  async function fresh(connectionId: string, refused?: string): Promise<string> {
    const usable = (token: string | undefined, expiresAt: number | null | undefined): token is string =>
      !!token && token !== refused && expiresAt != null && expiresAt - clock() > margin;
    for (;;) {
      const read = o.connections.withSecrets
        ? await o.connections.withSecrets(connectionId)
        : await (async () => {
            const connection = await o.connections.get(connectionId);
            return connection && { connection, secrets: await o.connections.secrets(connectionId) };
          })();
      if (!read) throw new ProviderError('not_found', 'the connection no longer exists');
      const { connection, secrets } = read;
      if (connection.status === 'reconnect_required') {
        throw new ProviderError('reconnect_required', connection.statusReason ?? 'the person must reconnect');
      }
      const now = clock();
      if (usable(secrets.accessToken, connection.accessExpiresAt)) return secrets.accessToken;
      if (!secrets.refreshToken) {
        await o.connections.setStatus(connectionId, 'reconnect_required', 'no refresh token was granted', now);
        throw new ProviderError('reconnect_required', 'no refresh token was granted');
      }
      if (!(await o.connections.tryLease(connectionId, owner, now, now + leaseMs))) {
        // Another process is refreshing: its result will be in the row shortly.
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        continue;
      }
      try {
        // Someone may have refreshed between our read and our lease: read again under the lease,
        // or we would spend a refresh token that has just been rotated away.
        const leased = await o.connections.get(connectionId);
        const current = await o.connections.secrets(connectionId);
        if (usable(current.accessToken, leased?.accessExpiresAt)) {
          await o.connections.releaseLease(connectionId, owner);
          return current.accessToken;
        }
        if (!current.refreshToken) throw new ProviderError('reconnect_required', 'no refresh token was granted');
        const tokens = await o.refresherFor(connection.kind)(current.refreshToken);
        const at = clock();
        await o.connections.saveSecrets(
          connectionId,
          { ...current, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? current.refreshToken },
          at + tokens.expiresInSeconds * 1000,
          at,
          tokens.scope,
        );
        return tokens.accessToken;
      } catch (error) {
        if (error instanceof ProviderError && error.code === 'reconnect_required') {
          // Pending work stays queued; reconnecting makes the connection active again.
          await o.connections.setStatus(connectionId, 'reconnect_required', error.message, clock());
        }
        await o.connections.releaseLease(connectionId, owner);
        throw error;
      }
    }
  }

  /** One refresh at a time per connection in this process: callers share the promise. */
  function shared(connectionId: string, refused?: string): Promise<string> {
    let pending = inFlight.get(connectionId);
    if (!pending) {
      pending = fresh(connectionId, refused).finally(() => inFlight.delete(connectionId));
      inFlight.set(connectionId, pending);
    }
    return pending;
  }

  const lifecycle = {
    /** A valid access token for the connection, refreshing it first when it is about to expire. */
    accessToken: (connectionId: string): Promise<string> => shared(connectionId),

    /**
     * The provider refused `refused` before its expiry (revoked, rotated, dropped early): refresh
     * at once, once for all callers. Whoever refreshed first (here or in another process) wins;
     * a failed refresh marks the connection `reconnect_required`.
     */
    async renew(connectionId: string, refused: string): Promise<string> {
      const token = await shared(connectionId);
      return token !== refused ? token : shared(connectionId, refused);
    },

    /** The port an OAuth adapter takes for one connection. */
    sourceFor(connectionId: string): AccessTokenSource {
      return { current: () => lifecycle.accessToken(connectionId), renew: (refused) => lifecycle.renew(connectionId, refused) };
    },
  };
  return lifecycle;
}

export type TokenLifecycle = ReturnType<typeof createTokenLifecycle>;
