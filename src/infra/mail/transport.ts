import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.ts';

// The mail port: one message out. Two adapters, both built by nodemailer so the bytes are the
// same: SMTP (SMTP_URL, DKIM-signed when a key is configured) and the embedded default, which
// writes each message as an .eml file under DATA_DIR/mail (open it with any mail client).

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The iTIP object, sent as `text/calendar; method=…` and again as an attachment. */
  calendar?: { method: 'REQUEST' | 'CANCEL'; ics: string };
  headers: Record<string, string>;
}

export interface MailTransport {
  /** Resolves once the server accepted the message; throws MailSendError otherwise. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  readonly kind: 'smtp' | 'file';
  close(): void;
}

/**
 * Why a message did not go. `temporary`: try again later (4xx, no connection). `permanent`: the
 * server refused the address or message for good (5xx). `sent` tells whether the server may
 * have taken it anyway: a timeout after the data went out leaves that open.
 */
export class MailSendError extends Error {
  readonly code: 'temporary' | 'permanent';
  readonly responseCode: number | null;
  readonly maybeSent: boolean;
  constructor(code: 'temporary' | 'permanent', message: string, responseCode: number | null, maybeSent: boolean) {
    super(message);
    this.code = code;
    this.responseCode = responseCode;
    this.maybeSent = maybeSent;
  }
}

// Errors nodemailer raises before any message data left us: the server certainly has nothing.
const NOTHING_SENT = new Set(['ECONNECTION', 'EDNS', 'EAUTH', 'ETLS', 'EENVELOPE', 'ECONNREFUSED']);

/** Reduces a nodemailer error to our codes; the message never carries credentials. */
export function classifySendError(error: unknown): MailSendError {
  const e = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  // The server's own words are useful and safe; nodemailer's messages may quote the SMTP URL.
  const said = (e.response ?? '').slice(0, 200);
  if (status !== null && status >= 500) return new MailSendError('permanent', said || `SMTP ${status}`, status, false);
  if (status !== null && status >= 400) return new MailSendError('temporary', said || `SMTP ${status}`, status, false);
  const code = e.code ?? 'EUNKNOWN';
  return new MailSendError('temporary', `no answer from the mail server (${code})`, null, !NOTHING_SENT.has(code));
}

function composeOptions(from: string, mail: OutgoingMail) {
  const calendar = mail.calendar;
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
    // multipart/mixed { multipart/alternative { text, html, text/calendar }, invite.ics }:
    // what Gmail, Outlook and Apple Mail read (interop.md §8).
    alternatives: calendar ? [{ contentType: `text/calendar; method=${calendar.method}; charset=UTF-8`, content: calendar.ics }] : [],
    attachments: calendar ? [{ filename: 'invite.ics', content: calendar.ics, contentType: `application/ics; method=${calendar.method}` }] : [],
  };
}

export function createMailTransport(config: MailConfig, dataDir: string): MailTransport {
  return config.smtpUrl ? smtpTransport(config) : fileTransport(config.from, path.join(dataDir, 'mail'));
}

function smtpTransport(config: MailConfig): MailTransport {
  const dkim = config.dkim
    ? {
        domainName: config.dkim.domain,
        keySelector: config.dkim.selector,
        // PEM text in the variable, or the path of a file holding it.
        privateKey: config.dkim.privateKey.includes('BEGIN') ? config.dkim.privateKey : fs.readFileSync(config.dkim.privateKey, 'utf8'),
      }
    : undefined;
  const transporter = nodemailer.createTransport({ url: config.smtpUrl!, dkim, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 } as never);
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        const info = await transporter.sendMail(composeOptions(config.from, mail));
        return { messageId: info.messageId };
      } catch (error) {
        throw classifySendError(error);
      }
    },
    close: () => transporter.close(),
  };
}

function fileTransport(from: string, dir: string): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'file',
    async send(mail) {
      const info = await composer.sendMail(composeOptions(from, mail));
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Sortable by time; the random tail keeps two messages of one millisecond apart.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      // The message holds one-time links (verification, unsubscribe): owner-only.
      fs.writeFileSync(path.join(dir, name), (info as unknown as { message: Buffer }).message, { mode: 0o600 });
      return { messageId: info.messageId };
    },
    close: () => undefined,
  };
}
