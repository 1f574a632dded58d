import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../infra/config.ts';
import type { TokenVault } from '../infra/crypto/token-vault.ts';
import type { Connection, ConnectionRepository } from '../infra/db/connection-repository.ts';
import { OAUTH_STATE_TTL_MS, type OAuthStateRepository } from '../infra/db/oauth-state-repository.ts';
import { exchangeCode, isConfigured, revokeGrant, startAuthorization, type OAuthKind } from '../integrations/oauth/flow.ts';
import {
  canListGoogleCalendars,
  canWriteAnyGoogleCalendar,
  GOOGLE_SCOPES,
  googleScopesFor,
  missingScopeMessage,
  missingScopes,
} from '../integrations/oauth/google-scopes.ts';
import type { ProviderRegistry } from '../integrations/registry.ts';
import { ProviderError, type CalendarProvider, type ConnectionMode, type RemoteCalendar } from '../integrations/provider.ts';
import { APP_CALENDAR_NAME } from '../core/sync/connection.ts';
import type { MergeResult } from '../infra/db/visitor-merge.ts';
import { NotFoundError } from './errors.ts';

/** Why a connect attempt was refused; shown to the person, never holds a secret. */
export class ConnectError extends Error {
  readonly code = 'connect_failed';
}

/** Why an OAuth round trip was started: a (re)connect, or more scope to pick one of the person's own calendars. */
export type OAuthPurpose = 'connect' | 'pick_calendar';

/** What only the server may read back at the callback (sealed in the state row). */
interface SealedState {
  codeVerifier: string;
  purpose: OAuthPurpose;
}

/** Google with calendar.app.created alone: writing into the person's own calendars needs calendar.events first. */
export function needsMoreScopeToPick(c: Connection): boolean {
  return c.kind === 'google' && c.mode === 'push' && !canWriteAnyGoogleCalendar(c.scope);
}

/** States sealed before `purpose` existed hold the bare verifier; they live ten minutes at most. */
function openState(text: string): SealedState {
  if (!text.startsWith('{')) return { codeVerifier: text, purpose: 'connect' };
  const parsed = JSON.parse(text) as SealedState;
  return { codeVerifier: parsed.codeVerifier, purpose: parsed.purpose === 'pick_calendar' ? 'pick_calendar' : 'connect' };
}

export { APP_CALENDAR_NAME };
const STATE_TTL_MS = OAUTH_STATE_TTL_MS;
const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export interface ConnectionUseCasesDeps {
  config: Config;
  connections: ConnectionRepository;
  states: OAuthStateRepository;
  vault: TokenVault;
  registry: ProviderRegistry;
  /** Folds one visitor into another (infra/db/visitor-merge.ts): one person, several devices. */
  mergeVisitors(from: string, into: string, now: number): Promise<MergeResult>;
  clock?: () => number;
}

/** A connect that finished: the connection, the visitor it belongs to (the session follows it), and a merge if one happened. */
export interface Connected {
  connection: Connection;
  visitorId: string;
  /** This browser proved it holds an account another device connected: it is that person now. */
  merged: MergeResult | null;
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

  /**
   * Creates (or finds) the app's own calendar for a push connection; a failure is recorded, not
   * fatal. The calendar we made is remembered as the target and reused: with Google's
   * calendar.app.created alone we cannot list calendars to find it again.
   */
  async function ensureAppCalendar(connection: Connection): Promise<void> {
    if (connection.mode !== 'push' || connection.targetCalendarId) return;
    try {
      const provider = await d.registry.forConnection(connection);
      const existing = await findAppCalendar(connection, provider);
      const calendar = existing ?? (await provider.createCalendar(APP_CALENDAR_NAME, 'UTC'));
      await d.connections.setTargetCalendar(connection.id, calendar.id, calendar.name, clock());
    } catch (error) {
      const reason = error instanceof ProviderError ? error.message : 'could not create the Calendar Club calendar';
      await d.connections.setStatus(connection.id, error instanceof ProviderError && error.code === 'reconnect_required' ? 'reconnect_required' : 'error', reason, clock());
    }
  }

  /**
   * Our "Calendar Club" calendar when listing may find it; null when listing is not allowed.
   * Any other failure is thrown: guessing "none" would make a second calendar.
   */
  async function findAppCalendar(connection: Connection, provider: CalendarProvider): Promise<RemoteCalendar | null> {
    if (connection.kind === 'google' && !canListGoogleCalendars(connection.scope)) return null;
    try {
      return (await provider.listCalendars()).find((c) => c.name === APP_CALENDAR_NAME && c.writable) ?? null;
    } catch (error) {
      if (error instanceof ProviderError && error.status === 403) return null;
      throw error;
    }
  }

  /** The visitor's connection to the same account of the same provider, if any. */
  async function sameAccount(visitorId: string, kind: OAuthKind, account: string | null): Promise<Connection | null> {
    if (!account) return null;
    const mine = await d.connections.listForVisitor(visitorId);
    return mine.find((c) => c.kind === kind && c.account?.toLowerCase() === account.toLowerCase()) ?? null;
  }

  /**
   * Another visitor's connection to this account. Once a sign-in or a CalDAV login has proven
   * the account, that visitor is this person on another device (see `joinOtherDevice`).
   */
  async function otherDevice(visitorId: string, kind: Connection['kind'], account: string | null, serverUrl: string | null): Promise<Connection | null> {
    if (!account) return null;
    const elsewhere = (await d.connections.findByAccount(kind, account, serverUrl)).filter((c) => c.visitorId !== visitorId);
    // An active one first: a connection retired by an earlier merge is not the one to revive.
    return elsewhere.find((c) => c.status !== 'error') ?? elsewhere[0] ?? null;
  }

  /** This browser's visitor is folded into the other device's: the connection there is the one to refresh. */
  const joinOtherDevice = (visitorId: string, other: Connection) => d.mergeVisitors(visitorId, other.visitorId, clock());

  /** Microsoft's grant does not name the account; Graph does. Without it we cannot tell duplicates apart. */
  async function microsoftAccount(accessToken: string): Promise<string | null> {
    try {
      return (await d.registry.forNewGrant('microsoft', 'connecting', accessToken).account?.()) ?? null;
    } catch (error) {
      const reason = error instanceof ProviderError ? error.message : (error as Error).message;
      throw new ConnectError(`could not read the Microsoft account's address (${reason}); connect again`);
    }
  }

  return {
    providers: () =>
      (['google', 'microsoft'] as const).map((kind) => ({ kind, configured: isConfigured(d.config, kind) })),

    /** The provider's consent URL; the state is bound to this visitor and works once. */
    async startOAuth(visitorId: string, kind: OAuthKind, mode: ConnectionMode, reconnectId: string | null, purpose: OAuthPurpose = 'connect'): Promise<string> {
      if (!isConfigured(d.config, kind)) throw new ConnectError(`${kind} is not configured on this server`);
      let existing: Connection | null = null;
      if (reconnectId) {
        existing = await ownConnection(visitorId, reconnectId);
        if (existing.kind !== kind) throw new ConnectError('that connection belongs to another provider');
        mode = existing.mode;
      }
      if (purpose === 'pick_calendar' && (kind !== 'google' || mode !== 'push' || !existing)) {
        throw new ConnectError('choosing one of your own calendars needs a Google connection that adds events');
      }
      // Writing into the person's own calendars is asked for when they ask for it, and kept on
      // later reconnects; Google adds it to what they granted before (include_granted_scopes).
      const wantsEvents = purpose === 'pick_calendar' || (existing !== null && canWriteAnyGoogleCalendar(existing.scope));
      const start = await startAuthorization(d.config, kind, mode, redirectUri(kind), {
        extraScopes: kind === 'google' && wantsEvents ? [GOOGLE_SCOPES.events] : [],
        includeGrantedScopes: kind === 'google',
      });
      const stateHash = hash(start.state);
      await d.states.deleteOlderThan(clock() - STATE_TTL_MS);
      await d.states.put(stateHash, {
        visitorId,
        kind,
        mode,
        verifierSealed: d.vault.seal(JSON.stringify({ codeVerifier: start.codeVerifier, purpose } satisfies SealedState), `oauth-state:${stateHash}`),
        nonce: start.nonce,
        reconnectId,
        createdAt: clock(),
      });
      return start.url;
    },

    /** Completes the callback: checks the state, exchanges the code, stores the sealed tokens. */
    async finishOAuth(visitorId: string, kind: OAuthKind, query: URLSearchParams): Promise<Connected> {
      const state = query.get('state');
      if (!state) throw new ConnectError('the sign-in answer has no state; start again from the connections page');
      const stateHash = hash(state);
      // Checked before it is used up: a callback from the wrong session or provider must not
      // burn the state of the person whose sign-in is still under way (issue 12, finding 8).
      const record = await d.states.find(stateHash);
      if (!record || record.kind !== kind) throw new ConnectError('this sign-in link was already used or is unknown; start again');
      if (record.visitorId !== visitorId) throw new ConnectError('this sign-in was started in another browser session; start again here');
      if (clock() - record.createdAt > STATE_TTL_MS) throw new ConnectError('the sign-in took too long; start again');
      if (!(await d.states.consume(stateHash))) throw new ConnectError('this sign-in link was already used or is unknown; start again');
      if (query.get('error')) throw new ConnectError(`${kind === 'google' ? 'Google' : 'Microsoft'} did not grant access (${query.get('error')})`);
      const sealed = openState(d.vault.open(record.verifierSealed, `oauth-state:${stateHash}`));
      let tokens;
      try {
        tokens = await exchangeCode(d.config, kind, query, {
          state,
          codeVerifier: sealed.codeVerifier,
          nonce: record.nonce,
          redirectUri: redirectUri(kind),
        });
      } catch (error) {
        throw new ConnectError(error instanceof ProviderError ? error.message : 'the provider refused the sign-in');
      }
      const account = kind === 'microsoft' ? await microsoftAccount(tokens.accessToken) : tokens.email;
      // One account, one connection: connecting the same account again is a reconnect, also when
      // it was connected on another device (after the checks below, this browser joins it).
      const own = record.reconnectId ? await ownConnection(visitorId, record.reconnectId) : await sameAccount(visitorId, kind, account);
      const other = own ? null : await otherDevice(visitorId, kind, account, null);
      const existing = own ?? other;
      const mode = existing?.mode ?? (record.mode as ConnectionMode);
      if (kind === 'google') {
        // The person may have unticked a box: store nothing new rather than half a connection.
        const required = [...googleScopesFor(mode), ...(sealed.purpose === 'pick_calendar' ? [GOOGLE_SCOPES.events] : [])];
        const missing = missingScopes(required, tokens.scope);
        if (missing.length > 0) throw new ConnectError(missingScopeMessage(missing));
      }
      const now = clock();
      const expiresAt = now + tokens.expiresInSeconds * 1000;
      const merged = other ? await joinOtherDevice(visitorId, other) : null;
      if (existing) {
        // Google sends a refresh token only with consent: keep the one we have if none came.
        const previous = await d.connections.secrets(existing.id);
        const secrets = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? previous.refreshToken ?? null };
        await d.connections.saveSecrets(existing.id, secrets, expiresAt, now, tokens.scope);
        if (account && !existing.account) await d.connections.setAccount(existing.id, account, now);
        await ensureAppCalendar((await d.connections.get(existing.id))!);
        await d.connections.resumeWork(existing.id, clock());
        return { connection: (await d.connections.get(existing.id))!, visitorId: existing.visitorId, merged };
      }
      const secrets = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null };
      const id = randomBytes(12).toString('base64url');
      const connection: Connection = {
        id,
        visitorId,
        kind,
        mode: record.mode as ConnectionMode,
        status: 'active',
        statusReason: null,
        account,
        serverUrl: null,
        targetCalendarId: null,
        targetCalendarName: null,
        scope: tokens.scope ?? null,
        accessExpiresAt: expiresAt,
        createdAt: now,
        updatedAt: now,
      };
      await d.connections.create(connection, secrets);
      await ensureAppCalendar((await d.connections.get(id))!);
      return { connection: (await d.connections.get(id))!, visitorId, merged: null };
    },

    list: (visitorId: string) => d.connections.listForVisitor(visitorId),

    /**
     * Connects a CalDAV account with an app password: discovery first, nothing stored on failure.
     * The same server and username again is a reconnect (new password, parked work resumed),
     * also from another device, which then becomes the same person.
     */
    async connectCalDav(visitorId: string, input: { serverUrl: string; username: string; password: string; mode: ConnectionMode }): Promise<Connected> {
      const provider = d.registry.forCalDavAccount(input);
      try {
        if (!provider.discover) throw new ConnectError('this server cannot be connected');
        await provider.discover();
      } catch (error) {
        throw new ConnectError(`Could not connect the CalDAV account: ${error instanceof ProviderError || error instanceof ConnectError ? error.message : 'the CalDAV server could not be reached'}`);
      }
      const mine = (await d.connections.findByAccount('caldav', input.username, input.serverUrl)).find((c) => c.visitorId === visitorId && c.status !== 'error');
      const other = mine ? null : await otherDevice(visitorId, 'caldav', input.username, input.serverUrl);
      const existing = mine ?? other;
      if (existing) {
        const merged = other ? await joinOtherDevice(visitorId, other) : null;
        await d.connections.saveSecrets(existing.id, { password: input.password }, null, clock());
        await ensureAppCalendar((await d.connections.get(existing.id))!);
        await d.connections.resumeWork(existing.id, clock());
        return { connection: (await d.connections.get(existing.id))!, visitorId: existing.visitorId, merged };
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
      return { connection: (await d.connections.get(connection.id))!, visitorId, merged: null };
    },

    /**
     * The calendars of a connection, to pick where saved events go. Writable means writable by
     * us: with Google's calendar.app.created alone, only the calendar we made.
     */
    async calendars(visitorId: string, id: string): Promise<RemoteCalendar[]> {
      const connection = await ownConnection(visitorId, id);
      let calendars: RemoteCalendar[];
      try {
        calendars = await (await d.registry.forConnection(connection)).listCalendars();
      } catch (error) {
        throw new ConnectError(error instanceof ProviderError ? error.message : 'the calendars could not be listed');
      }
      if (!needsMoreScopeToPick(connection)) return calendars;
      return calendars.map((c) => ({ ...c, writable: c.writable && c.id === connection.targetCalendarId }));
    },

    /** Points a connection at another of its calendars (one we may write to). */
    async setTargetCalendar(visitorId: string, id: string, calendarId: string): Promise<Connection> {
      const connection = await ownConnection(visitorId, id);
      if (connection.mode !== 'push') throw new ConnectError('this connection only reads busy times; connect again to add events');
      const calendar = (await this.calendars(visitorId, id)).find((c) => c.id === calendarId);
      if (!calendar) throw new ConnectError('that calendar is not in this account');
      if (!calendar.writable && needsMoreScopeToPick(connection)) {
        throw new ConnectError('Calendar Club may only add events to the calendar it created. Allow it to add events to your own calendars first (“Use one of my own calendars”).');
      }
      if (!calendar.writable) throw new ConnectError('that calendar is read-only');
      await d.connections.setTargetCalendar(id, calendar.id, calendar.name, clock());
      return (await d.connections.get(id))!;
    },

    /** Revokes at the provider where it can, then deletes the row and every secret with it. */
    async disconnect(visitorId: string, id: string): Promise<{ revoked: boolean }> {
      const connection = await ownConnection(visitorId, id);
      let revoked = false;
      // Revoking at Google ends the whole grant of this app for the account: not while another
      // connection (the same person on another device) still uses it.
      const sharing = connection.account ? (await d.connections.findByAccount(connection.kind, connection.account, connection.serverUrl)).filter((c) => c.id !== id) : [];
      if ((connection.kind === 'google' || connection.kind === 'microsoft') && sharing.length === 0) {
        const secrets = await d.connections.secrets(id).catch(() => ({}) as { refreshToken?: string | null; accessToken?: string });
        const token = secrets.refreshToken ?? secrets.accessToken;
        if (token && isConfigured(d.config, connection.kind)) revoked = await revokeGrant(d.config, connection.kind, token);
      }
      await d.connections.delete(id);
      return { revoked };
    },
  };
}
