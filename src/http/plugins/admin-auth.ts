import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from '../problem.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A preHandler that lets a request through only with `Authorization: Bearer <admin token>`, or
 * without an Authorization header when `hasSession` says it carries an organizer session.
 * `onWrongToken` is told of every wrong token before the 401 goes out (the rate limit counts them).
 */
export function requireAdmin(
  adminToken: string,
  onWrongToken?: (request: FastifyRequest) => Promise<void>,
  hasSession?: (request: FastifyRequest) => boolean,
) {
  const expected = digest(adminToken);
  return async function adminOnly(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization ?? '';
    if (!header && hasSession?.(request)) return;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    if (match && timingSafeEqual(digest(match[1]!), expected)) return;
    if (match) await onWrongToken?.(request);
    reply.header('WWW-Authenticate', 'Bearer realm="organizer"');
    const detail = match ? 'the bearer token is not valid' : 'send Authorization: Bearer <ADMIN_TOKEN>';
    return sendProblem(reply, problem(401, detail));
  };
}
