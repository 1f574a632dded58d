import { createHash, randomBytes } from 'node:crypto';
import { EventValidationError } from '../core/events/errors.ts';
import { maskAddress, normalizeAddress, parseMailbox } from '../core/mail/address.ts';
import { planInvite } from '../core/mail/invite-plan.ts';
import { renderInvite } from '../core/mail/itip.ts';
import { inviteMessage, verificationMessage } from '../core/mail/messages.ts';
import type { EmailRepository, Delivery } from '../infra/db/email-repository.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { VisitorRepository } from '../infra/db/visitor-repository.ts';
import type { InviteTarget, VerifyMail } from '../infra/db/mail-jobs.ts';
import type { TokenVault } from '../infra/crypto/token-vault.ts';
import { MailSendError, type MailTransport, type OutgoingMail } from '../infra/mail/transport.ts';
import { NotFoundError } from './errors.ts';

// Email invites (issue 15): giving and proving an address, and the worker's side — making one
// person's mailbox match the store for one event (core/mail/invite-plan.ts decides what that
// takes). Tokens: 256 random bits, looked up by SHA-256; the vault seals what mail repeats.

const VERIFY_VALID_MS = 48 * 3600_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const verifyAad = (hash: string) => `email-verify:${hash}`;
const unsubscribeAad = (hash: string) => `email-unsubscribe:${hash}`;

export interface EmailInvitesDeps {
  emails: EmailRepository;
  events: EventRepository;
  visitors: VisitorRepository;
  vault: Pick<TokenVault, 'seal' | 'open'>;
  transport: MailTransport;
  publicUrl: string;
  mailFrom: string;
  calendarName: string;
  productId: string;
  clock?: () => number;
}

export interface EmailState {
  address: string;
  verified: boolean;
  /** Why mail to it stopped (a permanent refusal or bounce), or null. */
  failing: string | null;
  delivery: Delivery;
  /** The push connection reaching the same account, if any. */
  syncedBy: 'google' | 'microsoft' | null;
  /** How saved events reach this address now. */
  channel: 'email' | 'sync';
}

export type InviteOutcome = 'sent' | 'assumed_sent' | 'nothing';

export type EmailInvites = ReturnType<typeof createEmailInvites>;

export function createEmailInvites(d: EmailInvitesDeps) {
  const clock = d.clock ?? Date.now;
  const organizer = parseMailbox(d.mailFrom);
  const meta = { productId: d.productId, name: d.calendarName };

  function unsubscribeUrl(hash: string, sealed: string): string {
    return `${d.publicUrl}/email/unsubscribe/${d.vault.open(sealed, unsubscribeAad(hash))}`;
  }
  const unsubscribeHeaders = (url: string) => ({ 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });

  return {
    async state(visitorId: string): Promise<EmailState | null> {
      const e = await d.emails.get(visitorId);
      if (!e) return null;
      const syncedBy = await d.emails.syncedAccount(visitorId, e.address);
      return {
        address: e.address,
        verified: e.verifiedAt !== null,
        failing: e.failingAt !== null ? (e.failingReason ?? 'the mail server refused this address') : null,
        delivery: e.delivery,
        syncedBy,
        channel: syncedBy && e.delivery === 'auto' ? 'sync' : 'email',
      };
    },

    /** Stores the address unverified and queues the verification email (202). */
    async give(visitorId: string, raw: string): Promise<void> {
      const address = normalizeAddress(raw);
      if (!address) throw new EventValidationError([{ field: 'email', message: 'is not an email address we can send to' }]);
      const verifyToken = randomBytes(32).toString('base64url');
      const unsubscribeToken = randomBytes(32).toString('base64url');
      const verifyHash = hashToken(verifyToken);
      const unsubscribeHash = hashToken(unsubscribeToken);
      const now = clock();
      await d.emails.give(
        { visitorId, address, unsubscribeTokenHash: unsubscribeHash, unsubscribeSealed: d.vault.seal(unsubscribeToken, unsubscribeAad(unsubscribeHash)) },
        { visitorId, tokenHash: verifyHash, sealedToken: d.vault.seal(verifyToken, verifyAad(verifyHash)) },
        now,
      );
    },

    /** The link in the verification email; true when it verified an address. */
    async verify(token: string): Promise<boolean> {
      if (!TOKEN_PATTERN.test(token)) return false;
      const now = clock();
      return (await d.emails.verify(hashToken(token), now - VERIFY_VALID_MS, now)) !== null;
    },

    forget: (visitorId: string) => d.emails.forget(visitorId),

    async unsubscribe(token: string): Promise<boolean> {
      return TOKEN_PATTERN.test(token) ? d.emails.unsubscribe(hashToken(token)) : false;
    },

    async setDelivery(visitorId: string, delivery: Delivery): Promise<void> {
      if (!(await d.emails.setDelivery(visitorId, delivery, clock()))) throw new NotFoundError('no email address given');
    },

    async stats(idOrSlug: string) {
      const event = await d.events.findByIdOrSlug(idOrSlug);
      if (!event) throw new NotFoundError(`no event "${idOrSlug}"`);
      return d.emails.stats(event.id);
    },

    /** Worker: the verification email, if that token is still the one waiting. */
    async sendVerification(mail: VerifyMail): Promise<InviteOutcome> {
      const e = await d.emails.pendingVerification(mail.visitorId, mail.tokenHash);
      if (!e) return 'nothing'; // verified, replaced or forgotten since
      const token = d.vault.open(mail.sealedToken, verifyAad(mail.tokenHash));
      const unsubscribe = unsubscribeUrl(e.unsubscribeTokenHash, e.unsubscribeSealed);
      const text = verificationMessage({ verifyUrl: `${d.publicUrl}/email/verify/${token}`, unsubscribeUrl: unsubscribe });
      try {
        await d.transport.send({ to: e.address, ...text, headers: unsubscribeHeaders(unsubscribe) });
      } catch (error) {
        if (error instanceof MailSendError && error.code === 'permanent') await d.emails.markFailing(e.address, error.message, clock(), e.visitorId);
        throw error;
      }
      return 'sent';
    },

    /** Worker: makes one person's mailbox match the store for one event; throws MailSendError. */
    async reconcileInvite(t: InviteTarget): Promise<InviteOutcome> {
      const [email, event, saved, record] = await Promise.all([
        d.emails.get(t.visitorId),
        d.events.findByIdOrSlug(t.eventId),
        d.visitors.hasSaved(t.visitorId, t.eventId),
        d.emails.record(t.visitorId, t.eventId),
      ]);
      const coveredBySync = email !== null && email.delivery === 'auto' && (await d.emails.syncedAccount(t.visitorId, email.address)) !== null;
      const address = email && { address: email.address, verified: email.verifiedAt !== null, failing: email.failingAt !== null, coveredBySync };
      const plan = planInvite({ event, saved, address, record });
      if (plan.action === 'nothing') return 'nothing';
      const sent = { address: email!.address, method: plan.method, sequence: event!.sequence };
      if (plan.action === 'assume_sent') {
        await d.emails.recordSent(t.visitorId, t.eventId, sent, clock());
        return 'assumed_sent';
      }
      await d.emails.recordAttempt(t.visitorId, t.eventId, email!.address, plan.key, clock());
      const unsubscribe = unsubscribeUrl(email!.unsubscribeTokenHash, email!.unsubscribeSealed);
      const updated = record?.method === 'REQUEST' && record.sequence !== event!.sequence;
      const text = inviteMessage(event!, plan.method, { eventUrl: `${d.publicUrl}/events/${encodeURIComponent(event!.slug)}`, unsubscribeUrl: unsubscribe }, updated);
      const mail: OutgoingMail = {
        to: email!.address,
        ...text,
        calendar: { method: plan.method, ics: renderInvite(meta, event!, plan.method, { organizer, attendee: email!.address }) },
        headers: unsubscribeHeaders(unsubscribe),
      };
      try {
        await d.transport.send(mail);
      } catch (error) {
        const e = error instanceof MailSendError ? error : new MailSendError('temporary', (error as Error)?.message ?? 'failed', null, true);
        if (e.code === 'permanent') {
          // The address itself is refused: everyone who gave it stops getting mail there.
          await d.emails.markFailing(email!.address, e.message, clock());
          await d.emails.recordFailure(t.visitorId, t.eventId, e.message, 'failed', false, clock());
        } else await d.emails.recordFailure(t.visitorId, t.eventId, e.message, 'pending', e.maybeSent, clock());
        throw e;
      }
      await d.emails.recordSent(t.visitorId, t.eventId, sent, clock());
      return 'sent';
    },

    /** A masked address for logs. */
    masked: maskAddress,
  };
}
