import { randomUUID } from 'node:crypto';
import type { ConnectionRepository } from '../../infra/db/connection-repository.ts';
import { ProviderError } from '../provider.ts';

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
  connections: ConnectionRepository;
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

  async function fresh(connectionId: string): Promise<string> {
    for (;;) {
      const connection = await o.connections.get(connectionId);
      if (!connection) throw new ProviderError('not_found', 'the connection no longer exists');
      if (connection.status === 'reconnect_required') {
        throw new ProviderError('reconnect_required', connection.statusReason ?? 'the person must reconnect');
      }
      const secrets = await o.connections.secrets(connectionId);
      const now = clock();
      if (secrets.accessToken && connection.accessExpiresAt !== null && connection.accessExpiresAt - now > margin) {
        return secrets.accessToken;
      }
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
        if (current.accessToken && leased?.accessExpiresAt != null && leased.accessExpiresAt - clock() > margin) {
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

  return {
    /** A valid access token for the connection, refreshing it first when it is about to expire. */
    accessToken(connectionId: string): Promise<string> {
      let pending = inFlight.get(connectionId);
      if (!pending) {
        pending = fresh(connectionId).finally(() => inFlight.delete(connectionId));
        inFlight.set(connectionId, pending);
      }
      return pending;
    },
  };
}

export type TokenLifecycle = ReturnType<typeof createTokenLifecycle>;
