import type { FastifyRequest } from 'fastify';

/**
 * Every value the request's Cookie header carries under `name`, in order. A browser sends one
 * cookie per (name, domain, path), so a sibling subdomain can add a second `name` next to ours;
 * the usual parsers keep only the first, which lets the planted one win (issue 12, finding 1).
 */
export function cookieValues(request: FastifyRequest, name: string): string[] {
  const header = request.headers.cookie;
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      values.push(decodeURIComponent(value));
    } catch {
      values.push(value); // not percent-encoded by us: it will fail the signature check
    }
  }
  return values;
}

/** The cookie name for `base`: `__Host-` prefixed on https, so only this exact host can set it. */
export const hostCookieName = (base: string, secure: boolean): string => (secure ? `__Host-${base}` : base);
