import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from '../problem.ts';

// Cross-site request forgery: SameSite=Lax alone lets a sibling subdomain (same site) and old
// browsers through, and a `text/plain` or empty POST needs no CORS preflight. So every unsafe
// request that could ride on a cookie is refused when the browser says it comes from elsewhere:
// an `Origin` other than PUBLIC_URL's, or `Sec-Fetch-Site: cross-site` / `same-site`.
// Requests with an Authorization header pass: a browser cannot attach one cross-site without a
// CORS preflight this server never grants, and API clients (curl with the admin token, inbound
// mail) send no Origin anyway. Requests with neither header (non-browsers) pass too.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FOREIGN_SITES = new Set(['cross-site', 'same-site']);

/** Why the request comes from another site, or null when it may be our own page or no browser at all. */
export function foreignSource(request: FastifyRequest, publicOrigin: string): string | null {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && FOREIGN_SITES.has(site.toLowerCase())) return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== publicOrigin) return 'Origin';
  return null;
}

export function refuseCrossSiteWrites(app: FastifyInstance, publicUrl: string): void {
  const publicOrigin = new URL(publicUrl).origin;
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!UNSAFE.has(request.method) || request.headers.authorization !== undefined) return;
    if (foreignSource(request, publicOrigin) === null) return;
    reply.header('Cache-Control', 'no-store');
    return sendProblem(reply, problem(403, 'this change was sent from another site; make it from the Calendar Club pages'));
  });
}

/**
 * Starting an OAuth flow is a GET (the pages link to it), so no Origin arrives; a navigation
 * from another site still says so in Sec-Fetch-Site. Refused: another site must not start a
 * sign-in that lands in this browser's session.
 */
export function startedFromAnotherSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return typeof site === 'string' && FOREIGN_SITES.has(site.toLowerCase());
}
