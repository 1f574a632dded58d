import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../core/html.ts';
import { pagePolicy, sha256Base64 } from './plugins/security-headers.ts';

// The few pages the server writes itself rather than the web app: a failed connect, the email
// links (unsubscribe), the sandbox's mailbox. One look, one escaping rule, one CSP: their single
// inline style is allowed by its hash, nothing else inline applies or runs.

export { escapeHtml };

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}pre{white-space:pre-wrap;overflow-wrap:anywhere}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ccc;vertical-align:top}button,a.button{font:inherit;min-height:44px}';
const POLICY = pagePolicy([sha256Base64(STYLE)]);

/** `title` is text (escaped here); `bodyHtml` is markup the caller has already escaped. */
export function sendSmallPage(reply: FastifyReply, status: number, title: string, bodyHtml: string, backLink = '<p><a href="/me">Back to My events</a></p>') {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${bodyHtml}${backLink}</main></body></html>`;
  return reply.code(status).type('text/html; charset=utf-8').header('Content-Security-Policy', POLICY).send(html);
}
