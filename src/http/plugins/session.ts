import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VisitorUseCases } from '../../app/visitors.ts';

// Anonymous accounts: the cookie holds the visitor id, signed (HMAC) so it cannot be forged or
// altered. A missing, tampered or unknown cookie gets a brand-new visitor, never someone else's.

export const SESSION_COOKIE = 'cc_session';
const FOUR_HUNDRED_DAYS = 400 * 24 * 3600; // the longest cookie lifetime browsers keep

export function visitorSession(visitors: VisitorUseCases, secure: boolean) {
  const remember = (reply: FastifyReply, visitorId: string) =>
    reply.setCookie(SESSION_COOKIE, visitorId, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: FOUR_HUNDRED_DAYS,
    });
  async function currentVisitor(request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const raw = request.cookies[SESSION_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : null;
    const claimed = unsigned?.valid ? unsigned.value : null;
    const visitor = await visitors.ensure(claimed);
    if (visitor.created) remember(reply, visitor.id);
    return visitor.id;
  }
  /**
   * This browser is now `visitorId` (it proved it is the same person as another device, by
   * signing in to an account that device connected): the session names that visitor from now on.
   */
  currentVisitor.adopt = (reply: FastifyReply, visitorId: string): void => void remember(reply, visitorId);
  return currentVisitor;
}

export type CurrentVisitor = ReturnType<typeof visitorSession>;
