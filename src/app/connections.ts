import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../infra/config.ts';
import type { TokenVault } from '../infra/crypto/token-vault.ts';
import type { Connection, ConnectionRepository } from '../infra/db/connection-repository.ts';
import type { OAuthStateRepository } from '../infra/db/oauth-state-repository.ts';
import { exchangeCode, isConfigured, revokeGrant, startAuthorization, type OAuthKind } from '../integrations/oauth/flow.ts';
import type { ProviderRegistry } from '../integrations/registry.ts';
import { ProviderError, type ConnectionMode } from '../integrations/provider.ts';
import { createMicrosoftProvider } from '../integrations/microsoft/index.ts';
import { createCalDavProvider } from '../integrations/caldav/index.ts';
import { NotFoundError } from './errors.ts';

/** Why a connect attempt was refused; shown to the person, never holds a secret. */
export class ConnectError extends Error {
  readonly code = 'connect_failed';
}

export const APP_CALENDAR_NAME = 'Calendar Club';
const STATE_TTL_MS = 10 * 60_000;
const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export interface ConnectionUseCasesDeps {
  config: Config;
  connections: ConnectionRepository;
  states: OAuthStateRepository;
  vault: TokenVault;
  registry: ProviderRegistry;
  clock?: () => number;
}

export type ConnectionUseCases = ReturnType<typeof createConnectionUseCases>;

export function createConnectionUseCases(d: ConnectionUseCasesDeps) {
  const clock = d.clock ?? Date.now;
  const redirectUri = (kind: OAuthKind) => `${d.config.publicUrl}/connect/${kind}/callback`;

  async function ownConnection(visitorId: string, id: string): Promise<Connection> {
    const connection = await d.connections.get(id);
    if (!connection || connection.visitorId !== visitorId) throw new NotFoundError('no such connection');
    return connection;
  }

  /** Creates (or finds) the app's own calendar for a push connection; a failure is recorded, not fatal. */
  async function ensureAppCalendar(connection: Connection): Promise<void> {
    if (connection.mode !== 'push' || connection.targetCalendarId) return;
    try {
      const provider = await d.registry.forConnection(connection);
      const existing = (await provider.listCalendars().catch(() => [])).find((c) => c.name === APP_CALENDAR_NAME && c.writable);
      const calendar = existing ?? (await provider.createCalendar(APP_CALENDAR_NAME, 'UTC'));
      await d.connections.setTargetCalendar(connection.id, calendar.id, calendar.name, clock());
    } catch (error) {
      const reason = error instanceof ProviderError ? error.message : 'could not create the Calendar Club calendar';
      await d.connections.setStatus(connection.id, error instanceof ProviderError && error.code === 'reconnect_required' ? 'reconnect_required' : 'error', reason, clock());
    }
  }

  return {
    providers: () =>
      (['google', 'microsoft'] as const).map((kind) => ({ kind, configured: isConfigured(d.config, kind) })),

    /** The provider's consent URL; the state is bound to this visitor and works once. */
    async startOAuth(visitorId: string, kind: OAuthKind, mode: ConnectionMode, reconnectId: string | null): Promise<string> {
      if (!isConfigured(d.config, kind)) throw new ConnectError(`${kind} is not configured on this server`);
      if (reconnectId) {
        const existing = await ownConnection(visitorId, reconnectId);
        if (existing.kind !== kind) throw new ConnectError('that connection belongs to another provider');
        mode = existing.mode;
      }
      const start = await startAuthorization(d.config, kind, mode, redirectUri(kind));
      const stateHash = hash(start.state);
      await d.states.deleteOlderThan(clock() - STATE_TTL_MS);
      await d.states.put(stateHash, {
        visitorId,
        kind,
        mode,
        verifierSealed: d.vault.seal(start.codeVerifier, `oauth-state:${stateHash}`),
        nonce: start.nonce,
        reconnectId,
        createdAt: clock(),
      });
      return start.url;
    },

    /** Completes the callback: checks the state, exchanges the code, stores the sealed tokens. */
    async finishOAuth(visitorId: string, kind: OAuthKind, query: URLSearchParams): Promise<Connection> {
      const state = query.get('state');
      if (!state) throw new ConnectError('the sign-in answer has no state; start again from the connections page');
      const stateHash = hash(state);
      const record = await d.states.take(stateHash);
      if (!record || record.kind !== kind) throw new ConnectError('this sign-in link was already used or is unknown; start again');
      if (record.visitorId !== visitorId) throw new ConnectError('this sign-in was started in another browser session; start again here');
      if (clock() - record.createdAt > STATE_TTL_MS) throw new ConnectError('the sign-in took too long; start again');
      if (query.get('error')) throw new ConnectError(`${kind === 'google' ? 'Google' : 'Microsoft'} did not grant access (${query.get('error')})`);
      let tokens;
      try {
        tokens = await exchangeCode(d.config, kind, query, {
          state,
          codeVerifier: d.vault.open(record.verifierSealed, `oauth-state:${stateHash}`),
          nonce: record.nonce,
          redirectUri: redirectUri(kind),
        });
      } catch (error) {
        throw new ConnectError(error instanceof ProviderError ? error.message : 'the provider refused the sign-in');
      }
      const now = clock();
      const secrets = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null };
      const expiresAt = now + tokens.expiresInSeconds * 1000;
      if (record.reconnectId) {
        const existing = await ownConnection(visitorId, record.reconnectId);
        await d.connections.saveSecrets(existing.id, secrets, expiresAt, now, tokens.scope);
        const reconnected = (await d.connections.get(existing.id))!;
        await ensureAppCalendar(reconnected);
        await d.connections.resumeWork(existing.id, clock());
        return (await d.connections.get(existing.id))!;
      }
      const id = randomBytes(12).toString('base64url');
      const connection: Connection = {
        id,
        visitorId,
        kind,
        mode: record.mode as ConnectionMode,
        status: 'active',
        statusReason: null,
        account: tokens.email,
        serverUrl: null,
        targetCalendarId: null,
        targetCalendarName: null,
        scope: tokens.scope ?? null,
        accessExpiresAt: expiresAt,
        createdAt: now,
        updatedAt: now,
      };
      await d.connections.create(connection, secrets);
      if (kind === 'microsoft') {
        const graph = createMicrosoftProvider({ graphUrl: d.config.microsoft.graphUrl, connectionId: id, accessToken: async () => tokens.accessToken });
        const account = await graph.account().catch(() => null);
        if (account) await d.connections.setAccount(id, account, now);
      }
      await ensureAppCalendar((await d.connections.get(id))!);
      return (await d.connections.get(id))!;
    },

    list: (visitorId: string) => d.connections.listForVisitor(visitorId),

    /** Connects a CalDAV account with an app password: discovery first, nothing stored on failure. */
    async connectCalDav(visitorId: string, input: { serverUrl: string; username: string; password: string; mode: ConnectionMode }): Promise<Connection> {
      const provider = createCalDavProvider({ ...input, allowPrivateNetwork: d.config.allowPrivateNetwork });
      try {
        await provider.discover();
      } catch (error) {
        throw new ConnectError(error instanceof ProviderError ? error.message : 'the CalDAV server could not be reached');
      }
      const now = clock();
      const connection: Connection = {
        id: randomBytes(12).toString('base64url'),
        visitorId,
        kind: 'caldav',
        mode: input.mode,
        status: 'active',
        statusReason: null,
        account: input.username,
        serverUrl: input.serverUrl,
        targetCalendarId: null,
        targetCalendarName: null,
        scope: null,
        accessExpiresAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await d.connections.create(connection, { password: input.password });
      await ensureAppCalendar(connection);
      return (await d.connections.get(connection.id))!;
    },

    /** The calendars of a connection, to pick where saved events go. */
    async calendars(visitorId: string, id: string) {
      const connection = await ownConnection(visitorId, id);
      try {
        return await (await d.registry.forConnection(connection)).listCalendars();
      } catch (error) {
        throw new ConnectError(error instanceof ProviderError ? error.message : 'the calendars could not be listed');
      }
    },

    /** Points a connection at another of its calendars (one we may write to). */
    async setTargetCalendar(visitorId: string, id: string, calendarId: string): Promise<Connection> {
      const connection = await ownConnection(visitorId, id);
      if (connection.mode !== 'push') throw new ConnectError('this connection only reads busy times; connect again to add events');
      const calendar = (await this.calendars(visitorId, id)).find((c) => c.id === calendarId);
      if (!calendar) throw new ConnectError('that calendar is not in this account');
      if (!calendar.writable) throw new ConnectError('that calendar is read-only');
      await d.connections.setTargetCalendar(id, calendar.id, calendar.name, clock());
      return (await d.connections.get(id))!;
    },

    /** Revokes at the provider where it can, then deletes the row and every secret with it. */
    async disconnect(visitorId: string, id: string): Promise<{ revoked: boolean }> {
      const connection = await ownConnection(visitorId, id);
      let revoked = false;
      if (connection.kind === 'google' || connection.kind === 'microsoft') {
        const secrets = await d.connections.secrets(id).catch(() => ({}) as { refreshToken?: string | null; accessToken?: string });
        const token = secrets.refreshToken ?? secrets.accessToken;
        if (token && isConfigured(d.config, connection.kind)) revoked = await revokeGrant(d.config, connection.kind, token);
      }
      await d.connections.delete(id);
      return { revoked };
    },
  };
}
