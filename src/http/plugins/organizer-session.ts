import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieValues, hostCookieName } from '../cookie-values.ts';

// The organizer page signs in once with the admin token and from then on rides on this cookie,
// so the token is never kept where a script could read it (issue 12, finding 7). httpOnly: no
// script reads it; SameSite=Strict: no other site's link or form carries it. The value is an
// expiry plus a MAC keyed by the admin token, and the cookie is signed like the visitor
// session: changing ADMIN_TOKEN ends every organizer session.

export const ORGANIZER_COOKIE = 'cc_organizer';
const LIFETIME_MS = 12 * 3600_000; // a working day; then the token is asked for again

export interface OrganizerSessionOptions {
  adminToken: string;
  secure: boolean;
  clock?: () => number;
}

export function organizerSession({ adminToken, secure, clock = Date.now }: OrganizerSessionOptions) {
  const name = hostCookieName(ORGANIZER_COOKIE, secure);
  const mac = (expiresAt: number) => createHmac('sha256', adminToken).update(`organizer-session:${expiresAt}`).digest('base64url');
  const options = { signed: true, httpOnly: true, sameSite: 'strict' as const, secure, path: '/' };

  function valid(raw: string, request: FastifyRequest): boolean {
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return false;
    const [expires, given] = unsigned.value.split('.');
    const expiresAt = Number(expires);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= clock() || !given) return false;
    const expected = Buffer.from(mac(expiresAt));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  return {
    /** Starts a session for a request that proved the admin token. */
    issue(reply: FastifyReply): void {
      const expiresAt = clock() + LIFETIME_MS;
      reply.setCookie(name, `${expiresAt}.${mac(expiresAt)}`, { ...options, maxAge: LIFETIME_MS / 1000 });
    },
    /** Signs out: the browser drops the cookie. */
    clear(reply: FastifyReply): void {
      reply.clearCookie(name, options);
    },
    /** Whether the request carries a live organizer session. */
    has(request: FastifyRequest): boolean {
      return cookieValues(request, name).some((raw) => valid(raw, request));
    },
  };
}

export type OrganizerSession = ReturnType<typeof organizerSession>;
