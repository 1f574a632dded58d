import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import type { TestApp } from './app.ts';

// What the mail tests share: a browser-like visitor, and reading a received invite the way a
// calendar does (the text/calendar part through ical.js).

type Inject = TestApp['app']['inject'];

export function browser(t: TestApp) {
  let cookie = '';
  const request = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await (t.app.inject as Inject)({ method, url, headers: cookie ? { cookie } : {}, ...(payload ? { payload } : {}) });
    const set = res.headers['set-cookie'];
    if (set) cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
    return res;
  };
  return { request };
}

export async function createEvent(t: TestApp, fields: Record<string, unknown> = {}): Promise<{ id: string; uid: string; sequence: number; slug: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: t.auth,
    payload: { title: 'Jazz night', start: '2027-03-03T19:30', end: '2027-03-03T22:00', timezone: 'Europe/Berlin', location: 'Kulturhaus', ...fields },
  });
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** The iTIP part of a received message, parsed: method, and the VEVENTs' main properties. */
export function invitePart(mail: ParsedMail) {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error(`no text/calendar part in "${mail.subject}"`);
  const text = part.content.toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const vevents = calendar.getAllSubcomponents('vevent');
  const first = vevents[0]!;
  const attendee = first.getFirstProperty('attendee')!;
  return {
    text,
    contentType: part.contentType,
    method: String(calendar.getFirstPropertyValue('method')),
    count: vevents.length,
    uid: String(first.getFirstPropertyValue('uid')),
    sequence: Number(first.getFirstPropertyValue('sequence')),
    status: String(first.getFirstPropertyValue('status')),
    start: (first.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(),
    tzid: first.getFirstProperty('dtstart')!.getParameter('tzid'),
    organizer: String(first.getFirstPropertyValue('organizer')),
    attendee: { value: String(attendee.getFirstValue()), rsvp: attendee.getParameter('rsvp'), partstat: attendee.getParameter('partstat') },
    vtimezones: calendar.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid'))),
  };
}

/** A reply as a calendar app sends it (RFC 6047): From the attendee, METHOD:REPLY. */
export function replyMessage(o: { from: string; attendee?: string; uid: string; partstat: string; sequence?: number }): string {
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//Mail client//EN',
    'METHOD:REPLY',
    'BEGIN:VEVENT',
    `UID:${o.uid}`,
    'DTSTAMP:20270101T000000Z',
    `SEQUENCE:${o.sequence ?? 0}`,
    `ATTENDEE;PARTSTAT=${o.partstat}:mailto:${o.attendee ?? o.from}`,
    'ORGANIZER:mailto:invites@cal.example.test',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  return [
    `From: ${o.from}`,
    'To: invites@cal.example.test',
    `Subject: ${o.partstat}: Jazz night`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    `${o.partstat.toLowerCase()}`,
    '--b1',
    'Content-Type: text/calendar; method=REPLY; charset=UTF-8',
    '',
    ics,
    '--b1--',
    '',
  ].join('\r\n');
}

/** The link that follows `label` in a text body (verification, unsubscribe). */
export function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s]+${path}[A-Za-z0-9_-]+`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return new URL(m[0]).pathname;
}

/** One header as written (mailparser folds List-* headers into an object of its own). */
export function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}
