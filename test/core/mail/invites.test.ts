import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { createEvent } from '../../../src/core/events/rules.ts';
import { cancelOccurrence, changeOccurrence } from '../../../src/core/events/occurrence-rules.ts';
import { renderCalendar } from '../../../src/core/ics/calendar.ts';
import { renderInvite } from '../../../src/core/mail/itip.ts';
import { inviteKey, planInvite, type InviteAddress } from '../../../src/core/mail/invite-plan.ts';
import { normalizeAddress, parseMailbox } from '../../../src/core/mail/address.ts';
import { redactUrl } from '../../../src/infra/logger.ts';

// The pure parts of email invites: the iTIP object (the feed's VEVENTs plus METHOD and the
// parties) and the plan that makes "one email per change and person" hold.

const T0 = Date.parse('2027-01-10T09:15:42.789Z');
const meta = { productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club' };
const parties = { organizer: { name: 'Calendar Club', address: 'invites@cal.example.test' }, attendee: 'ana@example.test' };

function weeklySeries() {
  let e = createEvent({ title: 'Tuesday jam', start: '2027-03-02T19:00', end: '2027-03-02T21:00', timezone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6' }, 'cal.example.test', T0);
  e = changeOccurrence(e, '2027-03-16T19:00', { title: 'Tuesday jam (late start)', start: '2027-03-16T20:00' }, T0 + 86_400_000).event;
  return cancelOccurrence(e, '2027-03-23T19:00', T0 + 2 * 86_400_000).event;
}

describe('iTIP invites', () => {
  it('a series goes as one invite: the feed master (RRULE, EXDATE) and its changed occurrence, each with the parties', () => {
    const series = weeklySeries();
    const ics = renderInvite(meta, series, 'REQUEST', parties);
    const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    assert.equal(calendar.getFirstPropertyValue('method'), 'REQUEST');
    const vevents = calendar.getAllSubcomponents('vevent');
    assert.equal(vevents.length, 2);
    for (const v of vevents) {
      assert.equal(v.getFirstPropertyValue('uid'), series.uid);
      assert.equal(v.getFirstPropertyValue('organizer'), 'mailto:invites@cal.example.test');
      const attendee = v.getFirstProperty('attendee')!;
      assert.equal(attendee.getFirstValue(), 'mailto:ana@example.test');
      assert.equal(attendee.getParameter('rsvp'), 'TRUE');
    }
    assert.ok(vevents[0]!.hasProperty('rrule') && vevents[0]!.hasProperty('exdate'));
    assert.ok(vevents[1]!.hasProperty('recurrence-id'));
    // Apart from METHOD and the parties, the bytes are the feed's.
    const stripped = ics.replace(/^(METHOD|ORGANIZER|ATTENDEE)[^\r]*\r\n( [^\r]*\r\n)*/gm, '');
    assert.equal(stripped, renderCalendar(meta, [series]));
  });

  it('CANCEL says STATUS:CANCELLED on every component', () => {
    const ics = renderInvite(meta, weeklySeries(), 'CANCEL', parties);
    assert.match(ics, /^METHOD:CANCEL\r$/m);
    assert.equal(ics.match(/^STATUS:CANCELLED\r$/gm)?.length, 2);
    assert.doesNotMatch(ics, /STATUS:CONFIRMED/);
  });
});

describe('the invite plan', () => {
  const event = createEvent({ title: 'Jazz', start: '2027-03-03T19:30', end: '2027-03-03T22:00', timezone: 'Europe/Berlin' }, 'cal.example.test', T0);
  const address: InviteAddress = { address: 'ana@example.test', verified: true, failing: false, coveredBySync: false };
  const sent = (method: 'REQUEST' | 'CANCEL', sequence: number) => ({ address: 'ana@example.test', method, sequence, attemptKey: null, attemptCount: 0 });

  it('sends nothing to an unverified, failing or synced address', () => {
    for (const a of [null, { ...address, verified: false }, { ...address, failing: true }, { ...address, coveredBySync: true }]) {
      assert.equal(planInvite({ event, saved: true, address: a, record: null }).action, 'nothing');
    }
  });

  it('REQUEST once per SEQUENCE; CANCEL only after a REQUEST', () => {
    assert.deepEqual(planInvite({ event, saved: true, address, record: null }), { action: 'send', method: 'REQUEST', key: inviteKey('REQUEST', event.sequence, address.address) });
    assert.equal(planInvite({ event, saved: true, address, record: sent('REQUEST', event.sequence) }).action, 'nothing');
    assert.equal(planInvite({ event: { ...event, sequence: 1 }, saved: true, address, record: sent('REQUEST', 0) }).action, 'send');
    assert.equal(planInvite({ event, saved: false, address, record: null }).action, 'nothing');
    assert.equal((planInvite({ event, saved: false, address, record: sent('REQUEST', 0) }) as { method: string }).method, 'CANCEL');
    assert.equal(planInvite({ event, saved: false, address, record: sent('CANCEL', 0) }).action, 'nothing');
  });

  it('a lost answer resends once, then takes the message as delivered', () => {
    const key = inviteKey('REQUEST', event.sequence, address.address);
    const attempt = (n: number) => ({ address: address.address, method: null, sequence: null, attemptKey: key, attemptCount: n });
    assert.equal(planInvite({ event, saved: true, address, record: attempt(1) }).action, 'send');
    assert.equal(planInvite({ event, saved: true, address, record: attempt(2) }).action, 'assume_sent');
  });
});

describe('addresses and logs', () => {
  it('normalizes what people type and parses MAIL_FROM', () => {
    assert.equal(normalizeAddress('  Ana@Example.COM '), 'ana@example.com');
    assert.equal(normalizeAddress('ana@localhost'), null);
    assert.equal(normalizeAddress('a b@example.com'), null);
    assert.deepEqual(parseMailbox('Calendar Club <invites@cal.example.test>'), { name: 'Calendar Club', address: 'invites@cal.example.test' });
  });

  it('keeps the tokens of email links out of request logs', () => {
    assert.equal(redactUrl('/email/verify/abcDEF123_-'), '/email/verify/[redacted]');
    assert.equal(redactUrl('/email/unsubscribe/abcDEF123_-'), '/email/unsubscribe/[redacted]');
  });
});
