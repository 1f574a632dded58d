import * as oauth from 'oauth4webapi';
import type { Config } from '../../infra/config.ts';
import { ProviderError, type ConnectionMode } from '../provider.ts';
import { googleScopesFor } from './google-scopes.ts';
import type { RefreshedTokens } from './token-lifecycle.ts';

// OAuth 2.0 authorization code + PKCE (S256) for Google and Microsoft, with oauth4webapi.
// Every endpoint comes from configuration (defaults: the real services), so one emulator
// origin can stand in for a provider in tests and the sandbox.

export type OAuthKind = 'google' | 'microsoft';

/** The narrowest scopes for what the person chose (PRODUCT.md open question 3), plus `extra` asked for on demand. */
export function scopesFor(kind: OAuthKind, mode: ConnectionMode, extra: string[] = []): string {
  if (kind === 'google') return ['openid', 'email', ...googleScopesFor(mode), ...extra].join(' ');
  return ['offline_access', 'User.Read', mode === 'push' ? 'Calendars.ReadWrite' : 'Calendars.Read', ...extra].join(' ');
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
  more: { extraScopes?: string[]; includeGrantedScopes?: boolean } = {},
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
    scope: scopesFor(kind, mode, more.extraScopes),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  if (nonce) params.nonce = nonce;
  if (kind === 'google') {
    params.access_type = 'offline';
    // A refresh token comes only with consent: ask every time so a reconnect gets a new one.
    params.prompt = 'consent';
    // Incremental authorization: the new grant keeps what the person allowed before.
    // https://developers.google.com/identity/protocols/oauth2/web-server (incremental authorization);
    // the grant then carries the union of all scopes: https://datatracker.ietf.org/doc/html/draft-ietf-oauth-incremental-authz-04
    if (more.includeGrantedScopes) params.include_granted_scopes = 'true';
  } else {
    params.response_mode = 'query';
    // The person always sees which account is being connected: a silent sign-in with whatever
    // account the browser holds could connect someone else's calendar (issue 12, finding 2).
    params.prompt = 'select_account';
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
    const checks: oauth.ProcessAuthorizationCodeResponseOptions = { expectedNonce: expected.nonce ?? oauth.expectNoNonce, requireIdToken: expected.nonce !== null };
    const copy = response.clone();
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, checks).catch((error: unknown) => {
      if (kind !== 'google' || !isLegacyGoogleIssuer(error)) throw error;
      // Google's ID tokens may say `accounts.google.com` without the scheme, and its guide says to
      // accept both: https://developers.google.com/identity/openid-connect/reference (issuer).
      // Same answer, every other check again, with exactly that issuer and no other.
      return oauth.processAuthorizationCodeResponse({ ...as, issuer: LEGACY_GOOGLE_ISSUER }, client, copy, checks);
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

const LEGACY_GOOGLE_ISSUER = 'accounts.google.com';

function isLegacyGoogleIssuer(error: unknown): boolean {
  if (!(error instanceof oauth.OperationProcessingError) || error.code !== oauth.JWT_CLAIM_COMPARISON) return false;
  const cause = error.cause as { claim?: string; claims?: { iss?: unknown } } | undefined;
  return cause?.claim === 'iss' && cause.claims?.iss === LEGACY_GOOGLE_ISSUER;
}

/**
 * Token-endpoint errors that only the person can clear by signing in again:
 * - invalid_grant: revoked, expired or reused grant (RFC 6749 §5.2; Google and Microsoft).
 * - unauthorized_client: Google answers it for a refresh token the client may no longer use
 *   (RFC 6749 §5.2); a new consent issues a new one.
 * - interaction_required, consent_required: Microsoft's token error table says "send the person
 *   to /authorize again" (Conditional Access, MFA: AADSTS50076, 50079; consent: AADSTS65001):
 *   https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-codes-for-token-endpoint-errors
 * - login_required: OpenID Connect Core §3.1.2.6, which MSAL lists with the two above:
 *   https://learn.microsoft.com/en-us/javascript/api/@azure/msal-node/interactionrequiredautherrorcodes
 */
const NEEDS_THE_PERSON = new Set(['invalid_grant', 'unauthorized_client', 'interaction_required', 'consent_required', 'login_required']);

function toProviderError(error: unknown, what: string): ProviderError {
  if (error instanceof oauth.ResponseBodyError) {
    if (NEEDS_THE_PERSON.has(error.error)) {
      const message = `${what}: the account needs you to sign in again (${error.error}); use Reconnect`;
      return new ProviderError('reconnect_required', message, { status: error.status, cause: error });
    }
    const code = error.status >= 500 ? 'temporary' : 'permanent';
    return new ProviderError(code, `${what}: ${error.error}`, { status: error.status, cause: error });
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new ProviderError('permanent', `${what}: ${error.error}`, { cause: error });
  }
  if (error instanceof TypeError) return new ProviderError('temporary', `${what}: the provider could not be reached`, { cause: error });
  return new ProviderError('permanent', `${what}: ${(error as Error).message}`, { cause: error });
}
