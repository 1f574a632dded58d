import type { FastifyReply, FastifyRequest } from 'fastify';
import { newVisitorId, type VisitorUseCases } from '../../app/visitors.ts';
import { cookieValues, hostCookieName } from '../cookie-values.ts';

// Anonymous accounts: the cookie holds the visitor id, signed (HMAC) so it cannot be forged or
// altered. A missing or tampered cookie gets a brand-new visitor, never someone else's. A signed
// id is ours even when its row is gone (removed while idle, worker/housekeeping.ts): a write stores it again.

// On https the cookie is `__Host-cc_session` (Secure, Path=/, no Domain): a sibling subdomain
// cannot set or overwrite it, and a plain `cc_session` it plants is never read. On http (local
// development) it is `cc_session`; when that arrives more than once with different valid
// values, nobody can tell ours from a planted one, so the request has no session.

export const SESSION_COOKIE = 'cc_session';
const FOUR_HUNDRED_DAYS = 400 * 24 * 3600; // the longest cookie lifetime browsers keep

export function visitorSession(visitors: VisitorUseCases, secure: boolean) {
  const cookieName = hostCookieName(SESSION_COOKIE, secure);
  const remember = (reply: FastifyReply, visitorId: string) =>
    reply.setCookie(cookieName, visitorId, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: FOUR_HUNDRED_DAYS,
    });
  /** The visitor id the request's signed session names, or null (none, tampered, ambiguous). */
  function claimedVisitor(request: FastifyRequest): string | null {
    const ids = new Set<string>();
    for (const raw of cookieValues(request, cookieName)) {
      const unsigned = request.unsignCookie(raw);
      if (unsigned.valid && unsigned.value) ids.add(unsigned.value);
    }
    return ids.size === 1 ? [...ids][0]! : null;
  }
  /** For a write: the session's visitor, stored from its first write on (a new one without a session). */
  async function currentVisitor(request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const visitor = await visitors.ensure(claimedVisitor(request));
    if (visitor.created) remember(reply, visitor.id);
    return visitor.id;
  }
  /**
   * This browser is now `visitorId` (it proved it is the same person as another device, by
   * signing in to an account that device connected): the session names that visitor from now on.
   */
  currentVisitor.adopt = (reply: FastifyReply, visitorId: string): void => void remember(reply, visitorId);
  /** The session's visitor id, or null: nothing is stored or set (limits are keyed by it). */
  currentVisitor.session = claimedVisitor;
  /**
   * For a read: the session's visitor, whose rows may not exist. Without a session a new id is
   * given to the browser but not stored: reading never makes a visitor row (issue 12).
   */
  currentVisitor.peek = (request: FastifyRequest, reply: FastifyReply): string => {
    const claimed = claimedVisitor(request);
    if (claimed) return claimed;
    const id = newVisitorId();
    remember(reply, id);
    return id;
  };
  return currentVisitor;
}

export type CurrentVisitor = ReturnType<typeof visitorSession>;
