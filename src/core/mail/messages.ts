import type { CalendarEvent } from '../events/event.ts';
import type { InviteMethod } from './itip.ts';
import { escapeHtml } from '../html.ts';

// The human-readable parts of our emails (text and HTML). The calendar part is what calendars
// act on; these say the same in words, with the event page and the unsubscribe link.

export interface MessageText {
  subject: string;
  text: string;
  html: string;
}

const html = escapeHtml;

/** "Thu 3 Dec 2026, 19:30 – 22:00 (Europe/Berlin)", written in the event's own zone. */
export function whenText(e: CalendarEvent): string {
  if (e.allDay) {
    const day = (d: string) => new Date(`${d}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    const lastDay = new Date(Date.parse(`${e.end}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    return lastDay === e.start ? `${day(e.start)} (all day)` : `${day(e.start)} – ${day(lastDay)} (all day)`;
  }
  const fmt = (ms: number, o: Intl.DateTimeFormatOptions) => new Date(ms).toLocaleString('en-GB', { ...o, timeZone: e.timezone });
  return `${fmt(e.startUtc, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })} – ${fmt(e.endUtc, { hour: '2-digit', minute: '2-digit' })} (${e.timezone})`;
}

function page(lines: string[], footer: string): string {
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${lines.join('')}<hr><p style="color:#666;font-size:small">${footer}</p></body></html>`;
}

export function inviteMessage(e: CalendarEvent, method: InviteMethod, links: { eventUrl: string; unsubscribeUrl: string }, updated: boolean): MessageText {
  const cancelled = method === 'CANCEL';
  const subject = cancelled ? (e.status === 'cancelled' ? `Cancelled: ${e.title}` : `Removed from your calendar: ${e.title}`) : updated ? `Updated invitation: ${e.title}` : `Invitation: ${e.title}`;
  const lead = cancelled
    ? e.status === 'cancelled'
      ? 'This event was cancelled; your calendar removes it.'
      : 'You removed this event from your saved events; your calendar removes it.'
    : updated
      ? 'This event changed; your calendar updates it.'
      : 'You saved this event; add it to your calendar with one tap.';
  const when = whenText(e);
  const footer = `You get this because you gave this address to Calendar Club. Stop these emails: ${links.unsubscribeUrl}`;
  const text = [lead, '', e.title, when, e.location ?? '', e.cancelNote && cancelled ? `Note: ${e.cancelNote}` : '', '', links.eventUrl, '', '--', footer].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n');
  const body = [
    `<p>${html(lead)}</p>`,
    `<h2>${html(e.title)}</h2>`,
    `<p>${html(when)}${e.location ? `<br>${html(e.location)}` : ''}</p>`,
    e.cancelNote && cancelled ? `<p>Note: ${html(e.cancelNote)}</p>` : '',
    `<p><a href="${html(links.eventUrl)}">Event page</a></p>`,
  ];
  return { subject, text, html: page(body, `You get this because you gave this address to Calendar Club. <a href="${html(links.unsubscribeUrl)}">Stop these emails</a>.`) };
}

export function verificationMessage(links: { verifyUrl: string; unsubscribeUrl: string }): MessageText {
  const lead = 'Someone (we hope you) asked Calendar Club to send calendar invitations for saved events to this address.';
  return {
    subject: 'Confirm your address for Calendar Club invites',
    text: `${lead}\n\nConfirm it: ${links.verifyUrl}\n\nNot you? Ignore this email; nothing more is sent.\n\n--\nStop emails to this address: ${links.unsubscribeUrl}`,
    html: page(
      [`<p>${html(lead)}</p>`, `<p><a href="${html(links.verifyUrl)}">Confirm this address</a></p>`, '<p>Not you? Ignore this email; nothing more is sent.</p>'],
      `<a href="${html(links.unsubscribeUrl)}">Stop emails to this address</a>`,
    ),
  };
}
