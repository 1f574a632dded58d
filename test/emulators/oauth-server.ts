import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

// The OAuth 2.0 authorization server half of the provider emulators (reference/providers.md §1,
// §6 items 1-5): PKCE-checked single-use codes, expiring access tokens, refresh tokens that are
// rotated (Microsoft) or kept (Google), revocation, and the providers' error bodies.

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface OAuthProfile {
  /** Microsoft rotates the refresh token on every refresh; Google keeps it. */
  rotateRefreshTokens: boolean;
  /** When a refresh token is issued at all. */
  issuesRefreshToken(scope: string, prompt: string | null, firstConsent: boolean): boolean;
  errorBody(error: string, description: string): Record<string, unknown>;
}

export interface AccessToken {
  email: string;
  scope: string;
  expiresAt: number;
  revoked: boolean;
}

interface Code {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  email: string;
  nonce: string | null;
  prompt: string | null;
  expiresAt: number;
  used: boolean;
}

/**
 * Microsoft's token error body (error, error_description starting with the AADSTS code,
 * error_codes, timestamp, trace_id, correlation_id), e.g. 50076 for MFA under Conditional Access:
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-codes-for-token-endpoint-errors
 * https://learn.microsoft.com/en-us/previous-versions/azure/dn645548(v=azure.100) (the body's fields)
 */
export function aadstsErrorBody(error: string, aadsts: number, description: string): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    error,
    error_description: `AADSTS${aadsts}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
  };
}

/** What Entra ID answers a refresh when Conditional Access now wants multi-factor authentication. */
export const MFA_REQUIRED = () =>
  aadstsErrorBody('interaction_required', 50076, 'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.');

export interface OAuthServerOptions {
  clients: OAuthClient[];
  profile: OAuthProfile;
  issuer: string;
  /** Tests: skip the consent page and redirect at once, as this account. */
  autoConsent: boolean;
  defaultEmail: string;
  accessTokenTtlSeconds: number;
  providerName: string;
  /** The ID token's `iss` when not `issuer` (Google also issues `accounts.google.com`). */
  idTokenIssuer?: string;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createOAuthServer(o: OAuthServerOptions) {
  const codes = new Map<string, Code>();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, { email: string; scope: string; clientId: string; revoked: boolean }>();
  const consented = new Set<string>();
  /** Scopes each account granted each client so far (for include_granted_scopes). */
  const granted = new Map<string, Set<string>>();
  /** Scripted answers for the next refreshes of an account. */
  const refreshFailures = new Map<string, { body: Record<string, unknown>; remaining: number }>();
  const counters = { tokenRequests: 0, refreshes: 0, revocations: 0 };
  /**
   * Tests change these between consents. `untick`: scopes the person unticks on the next consent
   * screen (Google's lets them; the token's `scope` then lists only what was granted:
   * reference/providers.md §1-2, https://developers.google.com/identity/protocols/oauth2/web-server).
   */
  const settings = { idTokenIssuer: o.idTokenIssuer ?? o.issuer, untick: [] as string[] };

  function idToken(clientId: string, email: string, nonce: string | null): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: settings.idTokenIssuer, aud: clientId, sub: createHash('sha256').update(email).digest('hex').slice(0, 21), email, email_verified: true, iat: now, exp: now + 3600, ...(nonce ? { nonce } : {}) };
    const head = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'emulator' })}.${b64(claims)}`;
    return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKey).toString('base64url')}`;
  }

  function issueAccess(email: string, scope: string): { token: string; expiresIn: number } {
    const token = `at-${randomBytes(18).toString('base64url')}`;
    accessTokens.set(token, { email, scope, expiresAt: Date.now() + o.accessTokenTtlSeconds * 1000, revoked: false });
    return { token, expiresIn: o.accessTokenTtlSeconds };
  }

  function issueRefresh(email: string, scope: string, clientId: string): string {
    const token = `rt-${randomBytes(24).toString('base64url')}`;
    refreshTokens.set(token, { email, scope, clientId, revoked: false });
    return token;
  }

  function json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  function redirectWith(res: ServerResponse, redirectUri: string, params: Record<string, string>) {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    res.writeHead(302, { location: url.href });
    res.end();
  }

  function grantCode(res: ServerResponse, q: URLSearchParams, email: string) {
    const code = `code-${randomBytes(16).toString('base64url')}`;
    const key = `${q.get('client_id')}:${email}`;
    const unticked = new Set(settings.untick.splice(0));
    const scopes = new Set((q.get('scope') ?? '').split(' ').filter((s) => s && !unticked.has(s)));
    // Incremental authorization: the grant also covers every scope granted before.
    // https://datatracker.ietf.org/doc/html/draft-ietf-oauth-incremental-authz-04 (Google's include_granted_scopes)
    if (q.get('include_granted_scopes') === 'true') for (const s of granted.get(key) ?? []) scopes.add(s);
    granted.set(key, new Set([...(granted.get(key) ?? []), ...scopes]));
    codes.set(code, {
      clientId: q.get('client_id')!,
      redirectUri: q.get('redirect_uri')!,
      challenge: q.get('code_challenge')!,
      scope: [...scopes].join(' '),
      email,
      nonce: q.get('nonce'),
      prompt: q.get('prompt'),
      expiresAt: Date.now() + 60_000,
      used: false,
    });
    redirectWith(res, q.get('redirect_uri')!, { code, ...(q.get('state') ? { state: q.get('state')! } : {}) });
  }

  /** GET authorize: validate, then consent (auto or a page a person clicks). */
  function authorize(req: IncomingMessage, res: ServerResponse, url: URL) {
    const q = url.searchParams;
    const client = o.clients.find((c) => c.clientId === q.get('client_id'));
    if (!client) return json(res, 400, o.profile.errorBody('invalid_client', 'The OAuth client was not found.'));
    if (!client.redirectUris.includes(q.get('redirect_uri') ?? '')) {
      return json(res, 400, o.profile.errorBody('redirect_uri_mismatch', 'The redirect URI does not match a registered one.'));
    }
    const redirectUri = q.get('redirect_uri')!;
    const fail = (error: string) => redirectWith(res, redirectUri, { error, ...(q.get('state') ? { state: q.get('state')! } : {}) });
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    if (!q.get('code_challenge') || q.get('code_challenge_method') !== 'S256') return fail('invalid_request');
    if (url.pathname.endsWith('/consent')) {
      return q.get('decision') === 'allow' ? grantCode(res, q, q.get('email') || o.defaultEmail) : fail('access_denied');
    }
    if (o.autoConsent) return grantCode(res, q, q.get('login_hint') || o.defaultEmail);
    const hidden = [...q.entries()].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>${o.providerName} sign-in (local sandbox)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem}.sandbox{background:#fff3cd;padding:.75rem;border-radius:8px}</style>
<main><p class="sandbox"><strong>Local sandbox:</strong> this is an emulator of ${o.providerName} running on this machine, not the real service.</p>
<h1>Allow Calendar Club?</h1><p>It asks for: <code>${escapeHtml(q.get('scope') ?? '')}</code></p>
<form method="get" action="${escapeHtml(url.pathname)}/consent">${hidden}<label>Account <input name="email" value="${escapeHtml(o.defaultEmail)}"></label>
<p><button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></p></form></main></html>`);
  }

  /** POST token: authorization_code and refresh_token grants (form-encoded). */
  function token(res: ServerResponse, form: URLSearchParams) {
    counters.tokenRequests++;
    const client = o.clients.find((c) => c.clientId === form.get('client_id'));
    if (!client || client.clientSecret !== form.get('client_secret')) return json(res, 401, o.profile.errorBody('invalid_client', 'Unauthorized'));
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!code || code.used || code.expiresAt < Date.now() || code.clientId !== client.clientId || code.challenge !== challenge) {
        if (code) code.used = true;
        return json(res, 400, o.profile.errorBody('invalid_grant', 'Malformed auth code.'));
      }
      if (code.redirectUri !== form.get('redirect_uri')) return json(res, 400, o.profile.errorBody('redirect_uri_mismatch', 'Bad Request'));
      code.used = true;
      const firstConsent = !consented.has(`${client.clientId}:${code.email}`);
      consented.add(`${client.clientId}:${code.email}`);
      const access = issueAccess(code.email, code.scope);
      const refresh = o.profile.issuesRefreshToken(code.scope, code.prompt, firstConsent) ? issueRefresh(code.email, code.scope, client.clientId) : undefined;
      const openid = code.scope.split(' ').includes('openid');
      return json(res, 200, {
        access_token: access.token,
        expires_in: access.expiresIn,
        token_type: 'Bearer',
        scope: code.scope,
        ...(refresh ? { refresh_token: refresh } : {}),
        ...(openid ? { id_token: idToken(client.clientId, code.email, code.nonce) } : {}),
      });
    }
    if (form.get('grant_type') === 'refresh_token') {
      counters.refreshes++;
      const old = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!old || old.revoked || old.clientId !== client.clientId) return json(res, 400, o.profile.errorBody('invalid_grant', 'Token has been expired or revoked.'));
      const failure = refreshFailures.get(old.email);
      if (failure && failure.remaining-- > 0) return json(res, 400, failure.body);
      const access = issueAccess(old.email, old.scope);
      let rotated: string | undefined;
      if (o.profile.rotateRefreshTokens) {
        old.revoked = true;
        rotated = issueRefresh(old.email, old.scope, old.clientId);
      }
      return json(res, 200, { access_token: access.token, expires_in: access.expiresIn, token_type: 'Bearer', scope: old.scope, ...(rotated ? { refresh_token: rotated } : {}) });
    }
    return json(res, 400, o.profile.errorBody('unsupported_grant_type', 'Invalid grant_type'));
  }

  /** POST revoke (Google): an access or refresh token; a refresh token takes its grant with it. */
  function revoke(res: ServerResponse, form: URLSearchParams) {
    counters.revocations++;
    const value = form.get('token') ?? '';
    const refresh = refreshTokens.get(value);
    const access = accessTokens.get(value);
    if (!refresh && !access) return json(res, 400, o.profile.errorBody('invalid_token', 'Token expired or revoked'));
    const email = refresh?.email ?? access!.email;
    revokeAllFor(email);
    res.writeHead(200).end();
  }

  function revokeAllFor(email: string) {
    for (const t of refreshTokens.values()) if (t.email === email) t.revoked = true;
    for (const t of accessTokens.values()) if (t.email === email) t.revoked = true;
  }

  /** The account behind a bearer token, or null (missing, unknown, expired, revoked). */
  function authenticate(req: IncomingMessage): AccessToken | null {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const t = match ? accessTokens.get(match[1]!) : undefined;
    return t && !t.revoked && t.expiresAt > Date.now() ? t : null;
  }

  return {
    authorize,
    token,
    revoke,
    authenticate,
    counters,
    settings,
    revokeAllFor,
    /** The next `times` refreshes for `email` answer 400 with `body` (e.g. MFA_REQUIRED()). */
    failRefreshes(email: string, body: Record<string, unknown>, times = 1) {
      refreshFailures.set(email, { body, remaining: times });
    },
    /** An access token for `email` (tests reading the emulated API as the person's calendar app would). */
    issueAccessToken: (email: string, scope: string) => issueAccess(email, scope).token,
    expireAccessTokens() {
      for (const t of accessTokens.values()) t.expiresAt = 0;
    },
    liveRefreshTokens: (email: string) => [...refreshTokens.values()].filter((t) => t.email === email && !t.revoked).length,
  };
}

export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return readBody(req).then((text) => new URLSearchParams(text));
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
