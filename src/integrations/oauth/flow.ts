import * as oauth from 'oauth4webapi';
import type { Config } from '../../infra/config.ts';
import { ProviderError, type ConnectionMode } from '../provider.ts';
import type { RefreshedTokens } from './token-lifecycle.ts';

// OAuth 2.0 authorization code + PKCE (S256) for Google and Microsoft, with oauth4webapi.
// Every endpoint comes from configuration (defaults: the real services), so one emulator
// origin can stand in for a provider in tests and the sandbox.

export type OAuthKind = 'google' | 'microsoft';

/** The narrowest scopes for what the person chose (PRODUCT.md open question 3). */
export function scopesFor(kind: OAuthKind, mode: ConnectionMode): string {
  if (kind === 'google') {
    const calendar =
      mode === 'push'
        ? ['https://www.googleapis.com/auth/calendar.freebusy', 'https://www.googleapis.com/auth/calendar.app.created']
        : ['https://www.googleapis.com/auth/calendar.freebusy'];
    return ['openid', 'email', ...calendar].join(' ');
  }
  return ['offline_access', 'User.Read', mode === 'push' ? 'Calendars.ReadWrite' : 'Calendars.Read'].join(' ');
}

interface ProviderSetup {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  /** Google issues an ID token (we ask for `openid email`); Microsoft's account comes from Graph. */
  openid: boolean;
}

export function isConfigured(config: Config, kind: OAuthKind): boolean {
  const p = config[kind];
  return p.clientId !== null && p.clientSecret !== null;
}

function setup(config: Config, kind: OAuthKind): ProviderSetup {
  const p = config[kind];
  if (!p.clientId || !p.clientSecret) throw new ProviderError('permanent', `${kind} is not configured on this server`);
  const as: oauth.AuthorizationServer =
    kind === 'google'
      ? {
          issuer: config.google.issuer,
          authorization_endpoint: `${config.google.accountsUrl}/o/oauth2/v2/auth`,
          token_endpoint: `${config.google.oauth2Url}/token`,
          revocation_endpoint: `${config.google.oauth2Url}/revoke`,
        }
      : {
          issuer: `${config.microsoft.loginUrl}/${config.microsoft.tenant}/v2.0`,
          authorization_endpoint: `${config.microsoft.loginUrl}/${config.microsoft.tenant}/oauth2/v2.0/authorize`,
          token_endpoint: `${config.microsoft.loginUrl}/${config.microsoft.tenant}/oauth2/v2.0/token`,
        };
  return { as, client: { client_id: p.clientId }, auth: oauth.ClientSecretPost(p.clientSecret), openid: kind === 'google' };
}

/** Plain http is only for local emulators; the real endpoints are https. */
function requestOptions(as: oauth.AuthorizationServer) {
  return as.token_endpoint?.startsWith('http:') ? { [oauth.allowInsecureRequests]: true } : {};
}

export interface AuthorizationStart {
  url: string;
  state: string;
  codeVerifier: string;
  nonce: string | null;
}

export async function startAuthorization(
  config: Config,
  kind: OAuthKind,
  mode: ConnectionMode,
  redirectUri: string,
): Promise<AuthorizationStart> {
  const { as, client, openid } = setup(config, kind);
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = openid ? oauth.generateRandomNonce() : null;
  const url = new URL(as.authorization_endpoint!);
  const params: Record<string, string> = {
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: scopesFor(kind, mode),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  if (nonce) params.nonce = nonce;
  if (kind === 'google') {
    params.access_type = 'offline';
    // A refresh token comes only with consent: ask every time so a reconnect gets a new one.
    params.prompt = 'consent';
  } else {
    params.response_mode = 'query';
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { url: url.href, state, codeVerifier, nonce };
}

export interface GrantedTokens extends RefreshedTokens {
  /** The account's email address when the provider put it in the ID token. */
  email: string | null;
}

/** Exchanges the callback's code; `callback` holds the query the provider redirected with. */
export async function exchangeCode(
  config: Config,
  kind: OAuthKind,
  callback: URLSearchParams,
  expected: { state: string; codeVerifier: string; nonce: string | null; redirectUri: string },
): Promise<GrantedTokens> {
  const { as, client, auth } = setup(config, kind);
  try {
    const params = oauth.validateAuthResponse(as, client, callback, expected.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, expected.redirectUri, expected.codeVerifier, requestOptions(as));
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: expected.nonce ?? oauth.expectNoNonce,
      requireIdToken: expected.nonce !== null,
    });
    const claims = expected.nonce ? oauth.getValidatedIdTokenClaims(result) : undefined;
    return {
      accessToken: result.access_token,
      expiresInSeconds: result.expires_in ?? 3600,
      refreshToken: result.refresh_token,
      scope: result.scope,
      email: typeof claims?.email === 'string' ? claims.email : null,
    };
  } catch (error) {
    throw toProviderError(error, 'the provider refused the sign-in');
  }
}

export async function refreshTokens(config: Config, kind: OAuthKind, refreshToken: string): Promise<RefreshedTokens> {
  const { as, client, auth } = setup(config, kind);
  try {
    const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, requestOptions(as));
    const result = await oauth.processRefreshTokenResponse(as, client, response);
    return {
      accessToken: result.access_token,
      expiresInSeconds: result.expires_in ?? 3600,
      refreshToken: result.refresh_token,
      scope: result.scope,
    };
  } catch (error) {
    throw toProviderError(error, 'refreshing the access token failed');
  }
}

/** Google can revoke a grant; Microsoft has no endpoint for it (we delete our copy only). */
export async function revokeGrant(config: Config, kind: OAuthKind, token: string): Promise<boolean> {
  const { as, client, auth } = setup(config, kind);
  if (!as.revocation_endpoint) return false;
  try {
    const response = await oauth.revocationRequest(as, client, auth, token, requestOptions(as));
    await oauth.processRevocationResponse(response);
    return true;
  } catch {
    return false; // already revoked or unknown: nothing left to revoke
  }
}

function toProviderError(error: unknown, what: string): ProviderError {
  if (error instanceof oauth.ResponseBodyError) {
    const code = error.error === 'invalid_grant' ? 'reconnect_required' : error.status >= 500 ? 'temporary' : 'permanent';
    return new ProviderError(code, `${what}: ${error.error}`, { status: error.status, cause: error });
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new ProviderError('permanent', `${what}: ${error.error}`, { cause: error });
  }
  if (error instanceof TypeError) return new ProviderError('temporary', `${what}: the provider could not be reached`, { cause: error });
  return new ProviderError('permanent', `${what}: ${(error as Error).message}`, { cause: error });
}
