import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { escapeHtml, sendSmallPage } from '../small-page.ts';

// Sandbox only (SANDBOX=true with the embedded mail default): the emails the service "sent" are
// .eml files under DATA_DIR/mail; this page lists them and shows one, links clickable, so a
// newcomer can verify an address and see the invites without a mail server (issue 15).

export interface SandboxMailDeps {
  mailDir: string;
}

// The file transport's names (src/infra/mail/transport.ts): an ISO time and a random tail.
const MESSAGE_NAME = /^[0-9TZ-]{20,30}-[0-9a-f]{8}\.eml$/;
const SHOWN = 50;

/** Escaped text with its http(s) links made clickable. */
function linked(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);
}

export async function sandboxMailRoutes(app: FastifyInstance, deps: SandboxMailDeps): Promise<void> {
  app.get('/sandbox/mail', async (_request, reply) => {
    const names = fs.existsSync(deps.mailDir) ? fs.readdirSync(deps.mailDir).filter((n) => MESSAGE_NAME.test(n)).sort().reverse().slice(0, SHOWN) : [];
    const rows = await Promise.all(
      names.map(async (name) => {
        const mail = await simpleParser(fs.readFileSync(path.join(deps.mailDir, name)));
        const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
        const when = mail.date ? mail.date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '';
        return `<tr><td>${escapeHtml(when)}</td><td>${escapeHtml(to)}</td><td><a href="/sandbox/mail/${name}">${escapeHtml(mail.subject ?? '(no subject)')}</a></td></tr>`;
      }),
    );
    const body =
      rows.length === 0
        ? '<p>No email yet. Give an address on My events: its verification email appears here.</p>'
        : `<p>The newest ${rows.length} messages written to the mail folder (nothing leaves this machine).</p><table><thead><tr><th>Sent</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
    return sendSmallPage(reply.header('Cache-Control', 'no-store'), 200, 'Sandbox mailbox', body);
  });

  app.get<{ Params: { name: string } }>('/sandbox/mail/:name', async (request, reply) => {
    const { name } = request.params;
    const file = path.join(deps.mailDir, name);
    if (!MESSAGE_NAME.test(name) || !fs.existsSync(file)) {
      return sendSmallPage(reply, 404, 'No such message', '<p>It may have been removed.</p>', '<p><a href="/sandbox/mail">Back to the mailbox</a></p>');
    }
    const mail = await simpleParser(fs.readFileSync(file));
    const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
    const parts = mail.attachments.map((a) => escapeHtml(`${a.filename ?? '(inline)'} — ${a.contentType}`));
    const body = `<p><strong>To:</strong> ${escapeHtml(to)}<br><strong>Subject:</strong> ${escapeHtml(mail.subject ?? '')}</p>
<pre>${linked(mail.text ?? '')}</pre>${parts.length ? `<p><strong>Parts:</strong> ${parts.join('; ')}</p>` : ''}`;
    return sendSmallPage(reply.header('Cache-Control', 'no-store'), 200, mail.subject ?? 'Message', body, '<p><a href="/sandbox/mail">Back to the mailbox</a> · <a href="/me">My events</a></p>');
  });
}
