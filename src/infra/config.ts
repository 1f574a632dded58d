import os from 'node:os';
import path from 'node:path';

// The environment, parsed once into a frozen object. Nothing else reads process.env.

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string;
  /** PostgreSQL schema to use instead of the default search path (DATABASE_SCHEMA). */
  databaseSchema: string | null;
  /** Where generated secrets (admin token) and the default SQLite file live. */
  dataDir: string;
  /** Web processes sharing the port (WEB_CONCURRENCY); default one per core on PostgreSQL, 1 on SQLite. */
  webConcurrency: number;
  /** Null: generate one into dataDir on first start. */
  adminToken: string | null;
  /** Signs session cookies. Null: generate one into dataDir on first start. */
  sessionSecret: string | null;
  /** Right-hand side of every event UID. */
  uidDomain: string;
  calendarName: string;
  feedPastDays: number;
  feedFutureDays: number;
  cancelledRetentionDays: number;
  feedRefreshMinutes: number;
  /** Seed demo events into an empty database on start. */
  demoData: boolean;
  logLevel: string;
  allowPrivateNetwork: boolean;
  /** Most open client sockets at once (MAX_CONNECTIONS); more are refused. */
  maxConnections: number;
  /** Which proxies may set X-Forwarded-* (TRUST_PROXY): none, all, a hop count, or addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /** How long a worker holds a claimed job before another worker may take it over. */
  pushLeaseSeconds: number;
  /** How often an idle worker looks for due retries; new jobs wake it at once (PUSH_POLL_MS). */
  pushPollMs: number;
  /** Wake idle workers on new jobs (off where LISTEN does not work, e.g. behind a transaction pooler). */
  pushWakeups: boolean;
  /** Deadline of one request to a provider (PROVIDER_TIMEOUT_MS). */
  providerTimeoutMs: number;
  /** Run the push worker inside the server process (`WORKER=false` when `npm run worker` runs it). */
  worker: boolean;
  /** `npm run sandbox`: providers are local emulators; pages say so. */
  sandbox: boolean;
  /** Sandbox only: the emulator's page that adds a busy meeting (SANDBOX_BUSY_URL); My events links to it. */
  sandboxBusyUrl: string | null;
  /** `id:base64key,…` (first seals). Null: generate one into dataDir on first start. */
  tokenEncryptionKeys: string | null;
  /** Email invites (issue 15): how mail leaves, who it is from, what guards inbound replies. */
  mail: MailConfig;
  google: OAuthProviderConfig & { accountsUrl: string; oauth2Url: string; apiUrl: string; issuer: string };
  microsoft: OAuthProviderConfig & { loginUrl: string; graphUrl: string; tenant: string };
}

export interface OAuthProviderConfig {
  /** Null: the provider is not configured (its connect button is hidden). */
  clientId: string | null;
  clientSecret: string | null;
}

export interface MailConfig {
  /** `smtp://user:pass@host:port` or `smtps://…` (SMTP_URL); null: each message is written as an .eml file under dataDir/mail. */
  smtpUrl: string | null;
  /** From and ORGANIZER address (MAIL_FROM), `Name <address>` or a bare address. */
  from: string;
  /** Bearer token of POST /api/v1/inbound-mail (INBOUND_MAIL_TOKEN); null: the route refuses everything. */
  inboundToken: string | null;
  /** DKIM signing (DKIM_PRIVATE_KEY as PEM text or a file path, DKIM_DOMAIN, DKIM_SELECTOR); null: unsigned. */
  dkim: { privateKey: string; domain: string; selector: string } | null;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const port = intSetting(env, 'PORT', 3000, 0, 65535);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  let publicHost: string;
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    publicHost = url.hostname;
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got "${publicUrl}"`);
  }
  const databaseUrl = env.DATABASE_URL ?? 'file:./data/calendar-club.sqlite';
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL)');
  }
  const dataDir = path.resolve(env.DATA_DIR ?? defaultDataDir(databaseUrl));
  const webConcurrency = intSetting(env, 'WEB_CONCURRENCY', databaseUrl.startsWith('file:') ? 1 : os.availableParallelism(), 1, 256);
  // On SQLite each process hears only its own writes, so another process's feed versions held
  // in memory would go stale (src/infra/db/feed-changes.ts).
  if (webConcurrency > 1 && databaseUrl.startsWith('file:')) throw new ConfigError('WEB_CONCURRENCY above 1 needs PostgreSQL (DATABASE_URL=postgres://…)');
  return Object.freeze({
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl,
    databaseUrl,
    databaseSchema: env.DATABASE_SCHEMA || null,
    dataDir,
    webConcurrency,
    adminToken: env.ADMIN_TOKEN && env.ADMIN_TOKEN.length > 0 ? checkedAdminToken(env.ADMIN_TOKEN) : null,
    sessionSecret: env.SESSION_SECRET && env.SESSION_SECRET.length > 0 ? checkedSessionSecret(env.SESSION_SECRET) : null,
    uidDomain: env.UID_DOMAIN ?? publicHost,
    calendarName: env.CALENDAR_NAME ?? 'Calendar Club',
    feedPastDays: intSetting(env, 'FEED_PAST_DAYS', 30, 0, 3650),
    feedFutureDays: intSetting(env, 'FEED_FUTURE_DAYS', 365, 1, 3650),
    cancelledRetentionDays: intSetting(env, 'CANCELLED_RETENTION_DAYS', 30, 0, 3650),
    feedRefreshMinutes: intSetting(env, 'FEED_REFRESH_MINUTES', 60, 1, 10080),
    demoData: boolSetting(env, 'DEMO_DATA', databaseUrl.startsWith('file:')),
    logLevel: env.LOG_LEVEL ?? 'info',
    allowPrivateNetwork: boolSetting(env, 'ALLOW_PRIVATE_NETWORK', false),
    maxConnections: intSetting(env, 'MAX_CONNECTIONS', 1024, 1, 1_000_000),
    trustProxy: trustProxySetting(env.TRUST_PROXY),
    sandbox: boolSetting(env, 'SANDBOX', false),
    sandboxBusyUrl: env.SANDBOX_BUSY_URL ? urlSetting(env, 'SANDBOX_BUSY_URL', '') : null,
    worker: boolSetting(env, 'WORKER', true),
    pushLeaseSeconds: intSetting(env, 'PUSH_LEASE_SECONDS', 60, 1, 3600),
    providerTimeoutMs: intSetting(env, 'PROVIDER_TIMEOUT_MS', 15_000, 100, 120_000),
    pushPollMs: intSetting(env, 'PUSH_POLL_MS', 1_000, 50, 600_000),
    pushWakeups: boolSetting(env, 'PUSH_WAKEUPS', true),
    tokenEncryptionKeys: env.TOKEN_ENCRYPTION_KEYS || null,
    mail: mailSettings(env, publicHost),
    google: {
      clientId: env.GOOGLE_CLIENT_ID || null,
      clientSecret: env.GOOGLE_CLIENT_SECRET || null,
      accountsUrl: urlSetting(env, 'GOOGLE_ACCOUNTS_URL', 'https://accounts.google.com'),
      oauth2Url: urlSetting(env, 'GOOGLE_OAUTH2_URL', 'https://oauth2.googleapis.com'),
      apiUrl: urlSetting(env, 'GOOGLE_API_URL', 'https://www.googleapis.com'),
      // The `iss` of Google's ID tokens; an emulator may use its own origin.
      issuer: env.GOOGLE_ISSUER || 'https://accounts.google.com',
    },
    microsoft: {
      clientId: env.MICROSOFT_CLIENT_ID || null,
      clientSecret: env.MICROSOFT_CLIENT_SECRET || null,
      loginUrl: urlSetting(env, 'MICROSOFT_LOGIN_URL', 'https://login.microsoftonline.com'),
      graphUrl: urlSetting(env, 'MICROSOFT_GRAPH_URL', 'https://graph.microsoft.com'),
      tenant: env.MICROSOFT_TENANT || 'common',
    },
  });
}

function mailSettings(env: Env, publicHost: string): MailConfig {
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl !== null) {
    let ok = false;
    try {
      ok = ['smtp:', 'smtps:'].includes(new URL(smtpUrl).protocol);
    } catch {
      ok = false;
    }
    // The URL may hold a password: the message never repeats it.
    if (!ok) throw new ConfigError('SMTP_URL must be smtp://user:pass@host:port or smtps://…');
  }
  const from = env.MAIL_FROM || `Calendar Club <calendar@${publicHost}>`;
  if (!/^[^\s@<>]+@[^\s@<>]+$|<[^\s@<>]+@[^\s@<>]+>$/.test(from.trim())) throw new ConfigError(`MAIL_FROM must be an address or "Name <address>", got "${from}"`);
  const inboundToken = env.INBOUND_MAIL_TOKEN || null;
  if (inboundToken !== null && inboundToken.length < 32) throw new ConfigError('INBOUND_MAIL_TOKEN must be at least 32 characters');
  const dkimParts = [env.DKIM_PRIVATE_KEY, env.DKIM_DOMAIN, env.DKIM_SELECTOR].filter((v) => v);
  if (dkimParts.length !== 0 && dkimParts.length !== 3) throw new ConfigError('DKIM_PRIVATE_KEY, DKIM_DOMAIN and DKIM_SELECTOR go together: set all three or none');
  const dkim = dkimParts.length === 3 ? { privateKey: env.DKIM_PRIVATE_KEY!, domain: env.DKIM_DOMAIN!, selector: env.DKIM_SELECTOR! } : null;
  return { smtpUrl, from: from.trim(), inboundToken, dkim };
}

function defaultDataDir(databaseUrl: string): string {
  return databaseUrl.startsWith('file:') && databaseUrl !== 'file::memory:'
    ? path.dirname(databaseUrl.slice('file:'.length))
    : './data';
}

function urlSetting(env: Env, name: string, fallback: string): string {
  const raw = (env[name] || fallback).replace(/\/+$/, '');
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  return raw;
}

function checkedAdminToken(token: string): string {
  // Guessable tokens are the one way in for an attacker; 32 characters is what we generate.
  if (token.length < 32) throw new ConfigError('ADMIN_TOKEN must be at least 32 characters (unset it to have one generated)');
  return token;
}

function checkedSessionSecret(secret: string): string {
  if (secret.length < 32) throw new ConfigError('SESSION_SECRET must be at least 32 characters');
  return secret;
}

/** '' or false: trust no proxy; true: any; a number: that many hops; else addresses or CIDRs. */
function trustProxySetting(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.some((s) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(s) && !['loopback', 'linklocal', 'uniquelocal'].includes(s))) {
    throw new ConfigError(`TRUST_PROXY must be true, false, a hop count, or proxy addresses/CIDRs separated by commas, got "${raw}"`);
  }
  return list;
}

function intSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolSetting(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}
