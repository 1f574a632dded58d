import ICAL from 'ical.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { normalizeAddress } from '../core/mail/address.ts';
import type { EmailRepository } from '../infra/db/email-repository.ts';
import type { EventRepository } from '../infra/db/event-repository.ts';
import type { VisitorRepository } from '../infra/db/visitor-repository.ts';

// Mail that comes back (POST /api/v1/inbound-mail): iTIP replies from the person's calendar
// (RFC 5546 METHOD:REPLY) and delivery status notifications (bounces, RFC 3464). A reply counts
// only from the attendee's own address, for a UID that address has or had; everything else is
// ignored (and said so in the answer), never an error to the sender.

export type InboundOutcome =
  | { outcome: 'declined' | 'accepted'; events: number }
  | { outcome: 'bounce'; addresses: number }
  | { outcome: 'ignored'; reason: string };

export interface InboundMailDeps {
  emails: EmailRepository;
  events: EventRepository;
  visitors: VisitorRepository;
  clock?: () => number;
  log?: { warn(o: object, msg: string): void; info?(o: object, msg: string): void };
}

interface Reply {
  uid: string;
  attendee: string;
  partstat: string;
  /** One occurrence answered: we cannot unsave a single date, so it is not acted on. */
  occurrence: boolean;
}

/** The REPLY parts of a message: every text/calendar part (inline or attached) with METHOD:REPLY. */
function repliesIn(mail: ParsedMail): Reply[] {
  const out: Reply[] = [];
  for (const part of mail.attachments) {
    const type = part.contentType.toLowerCase();
    if (!type.startsWith('text/calendar') && !type.startsWith('application/ics')) continue;
    let calendar: ICAL.Component;
    try {
      calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')) as unknown[]);
    } catch {
      continue; // not iCalendar after all
    }
    if (String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase() !== 'REPLY') continue;
    for (const vevent of calendar.getAllSubcomponents('vevent')) {
      const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
      for (const attendee of vevent.getAllProperties('attendee')) {
        const value = String(attendee.getFirstValue() ?? '');
        const address = normalizeAddress(value.replace(/^mailto:/i, ''));
        const partstat = String(attendee.getParameter('partstat') ?? '').toUpperCase();
        if (uid && address) out.push({ uid, attendee: address, partstat, occurrence: vevent.hasProperty('recurrence-id') });
      }
    }
  }
  return out;
}

/** Recipients a delivery status notification (multipart/report) reports as failed for good. */
function bouncedIn(mail: ParsedMail): string[] {
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value?.toLowerCase() !== 'multipart/report' || type.params?.['report-type']?.toLowerCase() !== 'delivery-status') return [];
  // mailparser reads the message/delivery-status part as text; an attached one is read too.
  const texts = [mail.text ?? '', ...mail.attachments.filter((a) => a.contentType.toLowerCase().startsWith('message/delivery-status')).map((a) => a.content.toString('utf8'))];
  const out: string[] = [];
  for (const text of texts) {
    // Per-recipient blocks are separated by blank lines (RFC 3464 §2.1).
    for (const block of text.split(/\r?\n\r?\n/)) {
      const recipient = /^Final-Recipient:\s*rfc822;\s*<?([^>\s]+)>?/im.exec(block)?.[1];
      const failed = /^Action:\s*failed/im.test(block);
      const address = recipient ? normalizeAddress(recipient) : null;
      if (address && failed) out.push(address);
    }
  }
  return [...new Set(out)];
}

export type InboundMail = ReturnType<typeof createInboundMail>;

export function createInboundMail(d: InboundMailDeps) {
  const clock = d.clock ?? Date.now;
  return {
    async receive(raw: Buffer): Promise<InboundOutcome> {
      const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
      const bounced = bouncedIn(mail);
      if (bounced.length > 0) {
        let n = 0;
        for (const address of bounced) n += await d.emails.markFailing(address, 'the mailbox bounced our email', clock());
        return n > 0 ? { outcome: 'bounce', addresses: n } : { outcome: 'ignored', reason: 'bounce for an address we do not know' };
      }
      const sender = normalizeAddress(mail.from?.value[0]?.address ?? '');
      const replies = repliesIn(mail);
      if (replies.length === 0) return { outcome: 'ignored', reason: 'no calendar reply in the message' };
      // The attendee answering must be the sender: nobody answers for someone else's address.
      const own = replies.filter((r) => r.attendee === sender);
      if (own.length === 0) return { outcome: 'ignored', reason: 'the reply is not from the attendee' };
      const reply = own.find((r) => !r.occurrence);
      if (!reply) return { outcome: 'ignored', reason: 'a reply to one occurrence is not acted on' };
      if (reply.partstat !== 'DECLINED' && reply.partstat !== 'ACCEPTED') return { outcome: 'ignored', reason: `PARTSTAT ${reply.partstat || 'missing'} is not acted on` };
      const candidates = await d.emails.replyCandidates(reply.attendee, reply.uid);
      if (candidates.length === 0) return { outcome: 'ignored', reason: 'no invite of that event went to that address' };
      const now = clock();
      let changed = 0;
      for (const c of candidates) {
        const event = await d.events.findByIdOrSlug(c.eventId);
        if (!event) continue;
        if (reply.partstat === 'DECLINED' && c.saved) {
          // Their calendar already shows it declined: no CANCEL mail follows the unsave (the
          // record says that is where their mailbox stands), pushes to their calendars stop.
          await d.emails.recordSent(c.visitorId, c.eventId, { address: reply.attendee, method: 'CANCEL', sequence: event.sequence }, now, 'declined');
          if (await d.visitors.unsave(c.visitorId, c.eventId, now)) changed++;
        }
        if (reply.partstat === 'ACCEPTED' && !c.saved && event.status !== 'cancelled') {
          // They accepted the invite they hold: it is in their calendar, no need to send it again.
          await d.emails.recordSent(c.visitorId, c.eventId, { address: reply.attendee, method: 'REQUEST', sequence: event.sequence }, now);
          if (await d.visitors.save(c.visitorId, c.eventId, now)) changed++;
        }
      }
      return { outcome: reply.partstat === 'DECLINED' ? 'declined' : 'accepted', events: changed };
    },
  };
}
