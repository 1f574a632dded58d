import type { CalendarEvent } from '../events/event.ts';
import { renderCalendar, type CalendarMeta } from '../ics/calendar.ts';
import { CRLF, foldLine, paramValue } from '../ics/text.ts';

// iTIP objects (RFC 5546) for email invites (RFC 6047). The VEVENTs are the feed's own bytes
// (core/ics/calendar.ts: same UID, SEQUENCE, DTSTAMP, VTIMEZONE; a series as its master plus
// changed occurrences), with METHOD, ORGANIZER and the one ATTENDEE added.

export type InviteMethod = 'REQUEST' | 'CANCEL';

export interface InviteParties {
  organizer: { name: string | null; address: string };
  attendee: string;
}

const STATUS_LINE = /^STATUS:[A-Z]+\r\n/gm;

export function renderInvite(meta: CalendarMeta, event: CalendarEvent, method: InviteMethod, parties: InviteParties): string {
  const feed = renderCalendar(meta, [event]);
  const organizer = foldLine(`ORGANIZER${parties.organizer.name ? `;CN=${paramValue(parties.organizer.name)}` : ''}:mailto:${parties.organizer.address}`);
  const attendee = foldLine(`ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${parties.attendee}`);
  // Every component of the object carries the parties (a changed occurrence is one too).
  let ics = feed.replace(/^END:VEVENT\r\n/gm, `${organizer}${CRLF}${attendee}${CRLF}END:VEVENT${CRLF}`);
  ics = ics.replace(/^CALSCALE:GREGORIAN\r\n/m, `CALSCALE:GREGORIAN${CRLF}METHOD:${method}${CRLF}`);
  // CANCEL: the person leaves the event (unsaved), or it is cancelled for everyone.
  if (method === 'CANCEL') ics = ics.replace(STATUS_LINE, `STATUS:CANCELLED${CRLF}`);
  return ics;
}
