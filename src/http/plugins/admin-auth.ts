import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from '../problem.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A preHandler that lets a request through only with `Authorization: Bearer <admin token>`. */
export function requireAdmin(adminToken: string) {
  const expected = digest(adminToken);
  return async function adminOnly(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    if (match && timingSafeEqual(digest(match[1]!), expected)) return;
    reply.header('WWW-Authenticate', 'Bearer realm="organizer"');
    const detail = match ? 'the bearer token is not valid' : 'send Authorization: Bearer <ADMIN_TOKEN>';
    return sendProblem(reply, problem(401, detail));
  };
}
