import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

// Response headers that limit what an injected script or a framing site could do (issue 12,
// finding 7). Pages are built files that load their scripts and styles from /assets, so
// everything comes from 'self'; nothing may frame them (clickjacking on the organizer page).

const COMMON = ["default-src 'self'", "base-uri 'none'", "object-src 'none'", "form-action 'self'", "img-src 'self' data:"];

/** The policy of our HTML pages; `styleHashes` allow named inline <style> blocks (sha256 base64). */
export function pagePolicy(styleHashes: string[] = []): string {
  const styles = ["'self'", ...styleHashes.map((h) => `'sha256-${h}'`)].join(' ');
  return [...COMMON, "script-src 'self'", `style-src ${styles}`, "frame-ancestors 'none'"].join('; ');
}

/**
 * The widget demo page: the button it shows puts its styles in a <style> inside its Shadow
 * DOM, as it does on any site, so inline styles are allowed there (scripts are still 'self'
 * only: the page's own script is a built file). Framing it hides nothing worth clicking.
 */
export const WIDGET_DEMO_POLICY = [...COMMON, "script-src 'self'", "style-src 'self' 'unsafe-inline'"].join('; ');

/** The CSP hash source of an inline block's exact text. */
export const sha256Base64 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    // Our URLs may hold secrets (personal feed tokens): other sites never see them as referrer.
    reply.header('Referrer-Policy', 'same-origin');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy')) reply.header('Content-Security-Policy', pagePolicy());
    // For browsers older than frame-ancestors.
    if (String(reply.getHeader('content-security-policy') ?? '').includes("frame-ancestors 'none'")) reply.header('X-Frame-Options', 'DENY');
    return payload;
  });
}
