import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { DatabaseHandle } from '../../infra/db/database.ts';
import { databaseRateLimitStore } from '../../infra/db/rate-limit-store.ts';
import { problem, sendProblem } from '../problem.ts';

// Rate limits (issue 12): what a script could hammer — wrong organizer tokens, guessed feed
// tokens, starting sign-ins, CalDAV logins (each one contacts a remote server), the visitor's
// writes. Sized so that people and calendar apps never meet them (README, "Security").
// Counters: in memory on SQLite (one process), in our database on PostgreSQL (shared by all).

interface Limit {
  max: number;
  timeWindow: number;
}

const MINUTE = 60_000;

export const LIMITS = {
  /** Saves, unsaves, feed-token changes, connection changes: per session (else per address). */
  meWrites: { max: 300, timeWindow: 5 * MINUTE },
  /** The same from one address, all sessions together: a busy NAT stays far below it; a script minting sessions does not. */
  meWritesPerAddress: { max: 3000, timeWindow: 5 * MINUTE },
  /** Starting a Google/Microsoft sign-in and coming back from it: per session (else per address). */
  connect: { max: 30, timeWindow: 10 * MINUTE },
  /** CalDAV logins: per session (else per address). */
  caldavConnect: { max: 20, timeWindow: 10 * MINUTE },
  /** Giving an invite address (each sends a verification email): per session (else per address). */
  giveEmail: { max: 5, timeWindow: 60 * MINUTE },
  /** The same from one address, all sessions together: a script minting sessions cannot mail-bomb. */
  giveEmailPerAddress: { max: 30, timeWindow: 60 * MINUTE },
  /** Wrong organizer tokens: per address; past it, every organizer request from it waits. */
  adminFailures: { max: 30, timeWindow: 10 * MINUTE },
  /** Unknown personal feed tokens: per address; a valid token is never limited. */
  unknownFeedTokens: { max: 60, timeWindow: MINUTE },
} as const satisfies Record<string, Limit>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const isMeWrite = (method: string, url: string) => !SAFE_METHODS.has(method) && (url === '/api/v1/me' || url.startsWith('/api/v1/me/'));

export interface RateLimitDeps {
  database: Pick<DatabaseHandle, 'db' | 'engine'>;
  /** The visitor the signed session names, or null (http/plugins/session.ts). */
  session(request: FastifyRequest): string | null;
}

function tooMany(reply: FastifyReply, waitMs: number, detail: string): FastifyReply {
  reply.header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
  return sendProblem(reply.header('Cache-Control', 'no-store'), problem(429, detail));
}

/**
 * Registers the limits on the app (before its routes): the per-route ones as one onRequest
 * hook; the two that count failures only are returned for the admin guard and the feed route.
 */
export async function installRateLimits(app: FastifyInstance, deps: RateLimitDeps) {
  await app.register(rateLimit, {
    global: false,
    ...(deps.database.engine === 'postgres' ? { store: databaseRateLimitStore(deps.database.db) } : {}),
  });
  const address = (request: FastifyRequest) => `a:${normalizeIP(request.ip)}`;
  // One NAT (a hotel, an office) is many people: where there is a session, it is the client.
  const sessionOrAddress = (request: FastifyRequest) => {
    const visitor = deps.session(request);
    return visitor ? `s:${visitor}` : address(request);
  };
  const limiter = (name: string, limit: Limit, client: (request: FastifyRequest) => string) =>
    app.createRateLimit({ ...limit, keyGenerator: (request) => `${name}:${client(request)}` });

  const rules = [
    {
      applies: (method: string, url: string) => url.startsWith('/connect/'),
      check: limiter('connect', LIMITS.connect, sessionOrAddress),
      detail: 'too many sign-ins started; wait a few minutes and try again',
    },
    {
      applies: (method: string, url: string) => method === 'POST' && url === '/api/v1/me/connections/caldav',
      check: limiter('caldav', LIMITS.caldavConnect, sessionOrAddress),
      detail: 'too many CalDAV connection attempts; wait a few minutes and try again',
    },
    {
      applies: (method: string, url: string) => method === 'PUT' && url === '/api/v1/me/email',
      check: limiter('give-email', LIMITS.giveEmail, sessionOrAddress),
      detail: 'too many addresses given in a short time; wait an hour and try again',
    },
    {
      applies: (method: string, url: string) => method === 'PUT' && url === '/api/v1/me/email',
      check: limiter('give-email-address', LIMITS.giveEmailPerAddress, address),
      detail: 'too many addresses given from this network in a short time; wait an hour and try again',
    },
    {
      applies: isMeWrite,
      check: limiter('me-writes', LIMITS.meWrites, sessionOrAddress),
      detail: 'too many changes in a short time; wait a few minutes and try again',
    },
    {
      applies: isMeWrite,
      check: limiter('me-writes-address', LIMITS.meWritesPerAddress, address),
      detail: 'too many changes from this address in a short time; wait a few minutes and try again',
    },
  ];
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (!url) return;
    for (const rule of rules) {
      if (!rule.applies(request.method, url)) continue;
      const result = await rule.check(request);
      if (!result.isAllowed && result.isExceeded) return tooMany(reply, result.ttl, rule.detail);
    }
  });

  const adminFailures = limiter('admin-failures', LIMITS.adminFailures, address);
  const unknownFeedTokens = limiter('feed-tokens', LIMITS.unknownFeedTokens, address);
  return {
    /**
     * The organizer guard, refusing an address past its wrong-token limit. Every organizer
     * request from it waits, the right token too: else a guess would still be told apart
     * (200 against 429) at full speed.
     */
    guardAdmin(inner: preHandlerAsyncHookHandler): preHandlerAsyncHookHandler {
      return async function adminOnly(request, reply) {
        const seen = await adminFailures(request, { increment: false });
        if (!seen.isAllowed && seen.remaining === 0) return tooMany(reply, seen.ttl, 'too many wrong organizer tokens from this address; try again later');
        return inner.call(this, request, reply);
      };
    },

    /** One wrong organizer token from the request's address (requests without one are not counted). */
    async countWrongAdminToken(request: FastifyRequest): Promise<void> {
      await adminFailures(request);
    },

    /** An unknown personal feed token: null, or how long to wait (ms) when this address guessed too many. */
    async unknownFeedToken(request: FastifyRequest): Promise<number | null> {
      const result = await unknownFeedTokens(request);
      return !result.isAllowed && result.isExceeded ? result.ttl : null;
    },
  };
}

export type RateLimits = Awaited<ReturnType<typeof installRateLimits>>;
