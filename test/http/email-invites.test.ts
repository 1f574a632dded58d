import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { smtpSkip, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { browser, createEvent, header, invitePart, linkIn } from '../helpers/mail.ts';
import { mergeVisitors } from '../../src/infra/db/visitor-merge.ts';

// Issue 15 end to end: the app sends through a real SMTP server (aiosmtpd), and the messages
// are read as a mail client and a calendar would read them (mailparser, then ical.js).

const MAIL_ENV = { MAIL_FROM: 'Calendar Club <invites@cal.example.test>', INBOUND_MAIL_TOKEN: 'inbound-token-0123456789abcdef-0123456789' };

for (const engine of testEngines) {
  describe(`email invites on ${engine.name}`, { skip: engine.skip || smtpSkip }, () => {
    let t: TestApp;
    let smtp: SmtpSink;
    before(async () => {
      smtp = await startSmtpSink();
      t = await startTestApp(engine, { SMTP_URL: smtp.url, ...MAIL_ENV });
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });
    // An edit's jobs are stamped with its DTSTAMP, which may be a second ahead of the clock.
    const drain = () => {
      t.clock.now += 2_000;
      return t.services.worker.drain();
    };

    /** A person who saved `eventId` and verified `address`; returns their browser. */
    async function verifiedPerson(address: string, eventId?: string) {
      const b = browser(t);
      if (eventId) assert.equal((await b.request('POST', `/api/v1/me/saved/${eventId}`)).statusCode, 201);
      const before = (await smtp.messages()).length;
      assert.equal((await b.request('PUT', '/api/v1/me/email', { email: address })).statusCode, 202);
      await drain();
      const mails = await smtp.waitFor(before + 1);
      const verification = mails.at(-1)!;
      assert.equal(verification.to && !Array.isArray(verification.to) ? verification.to.value[0]!.address : '', address);
      const verified = await b.request('GET', linkIn(verification.text ?? '', '/email/verify/'));
      assert.equal(verified.statusCode, 303);
      assert.equal(verified.headers.location, '/me?email=verified');
      return b;
    }

    it('sends nothing but the verification until the link is opened; then every saved event', async () => {
      const event = await createEvent(t);
      const b = browser(t);
      await b.request('POST', `/api/v1/me/saved/${event.id}`);
      const start = (await smtp.messages()).length;
      const given = await b.request('PUT', '/api/v1/me/email', { email: ' Ana.Verify@Example.TEST ' });
      assert.equal(given.statusCode, 202);
      assert.deepEqual(given.json().email, { address: 'ana.verify@example.test', verified: false, failing: null, delivery: 'auto', syncedBy: null, channel: 'email' });
      await drain();
      const mails = await smtp.waitFor(start + 1);
      assert.equal(mails.length, start + 1, 'only the verification email');
      const verification = mails.at(-1)!;
      assert.match(verification.subject ?? '', /Confirm your address/);
      assert.equal(verification.attachments.length, 0, 'no invite in it');
      assert.match(String(header(verification, 'List-Unsubscribe-Post')), /List-Unsubscribe=One-Click/);
      assert.equal((await b.request('GET', '/api/v1/me')).json().email.verified, false);

      const link = linkIn(verification.text ?? '', '/email/verify/');
      const opened = await b.request('GET', link);
      assert.equal(opened.statusCode, 303);
      assert.equal((await b.request('GET', link)).headers.location, '/me?email=link-expired', 'a link works once');
      assert.equal((await b.request('GET', '/api/v1/me')).json().email.verified, true);
      await drain();
      const after = await smtp.waitFor(start + 2);
      assert.equal(after.length, start + 2);
      const invite = after.at(-1)!;
      assert.equal(invite.subject, 'Invitation: Jazz night');
      const ics = invitePart(invite);
      assert.equal(ics.contentType, 'text/calendar');
      assert.match(invite.raw, /Content-Type: text\/calendar; method=REQUEST; charset=UTF-8/);
      assert.match(invite.raw, /Content-Type: multipart\/alternative/);
      assert.ok(invite.text?.includes('Jazz night') && invite.html && invite.html.includes('Jazz night'), 'text and html parts');
      assert.ok(invite.attachments.some((a) => a.filename === 'invite.ics'), 'the .ics attached too');
      assert.equal(ics.method, 'REQUEST');
      assert.equal(ics.uid, event.uid);
      assert.equal(ics.sequence, event.sequence);
      assert.equal(ics.tzid, 'Europe/Berlin');
      assert.deepEqual(ics.vtimezones, ['Europe/Berlin']);
      assert.equal(ics.start, Date.parse('2027-03-03T18:30:00Z'));
      assert.equal(ics.organizer, 'mailto:invites@cal.example.test');
      assert.deepEqual(ics.attendee, { value: 'mailto:ana.verify@example.test', rsvp: 'TRUE', partstat: 'NEEDS-ACTION' });
      const unsubscribe = String(header(invite, 'List-Unsubscribe'));
      assert.match(unsubscribe, /^<https:\/\/cal\.example\.test\/email\/unsubscribe\/[A-Za-z0-9_-]{43}>$/);
      assert.equal(String(header(invite, 'List-Unsubscribe-Post')), 'List-Unsubscribe=One-Click');
      // The VEVENT is the feed's own: the download carries the same UID, SEQUENCE and DTSTAMP.
      const download = (await t.app.inject(`/events/${event.id}.ics`)).body;
      assert.ok(download.includes(ics.text.match(/DTSTAMP:\d+T\d+Z/)![0]));
      await drain();
      assert.equal((await smtp.messages()).length, start + 2, 'a second run sends nothing again');
    });

    it('sends an update for every SEQUENCE change, nothing for a change that keeps it, CANCEL on unsave and cancel', async () => {
      const event = await createEvent(t, { title: 'Poetry slam' });
      await verifiedPerson('bo@example.test', event.id);
      await drain();
      let count = (await smtp.messages()).length;
      const moved = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${event.id}`, headers: t.auth, payload: { start: '2027-03-03T20:00', end: '2027-03-03T23:00' } });
      assert.equal(moved.json().sequence, event.sequence + 1);
      await drain();
      let mails = await smtp.waitFor(count + 1);
      assert.equal(mails.length, count + 1);
      assert.equal(mails.at(-1)!.subject, 'Updated invitation: Poetry slam');
      const update = invitePart(mails.at(-1)!);
      assert.equal(update.sequence, event.sequence + 1);
      assert.equal(update.start, Date.parse('2027-03-03T19:00:00Z'));
      count = mails.length;

      const quiet = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${event.id}`, headers: t.auth, payload: { categories: ['Words'] } });
      assert.equal(quiet.json().sequence, event.sequence + 1, 'categories do not bump SEQUENCE');
      await drain();
      assert.equal((await smtp.messages()).length, count, 'no email for it');

      await t.app.inject({ method: 'POST', url: `/api/v1/events/${event.id}/cancel`, headers: t.auth });
      await drain();
      mails = await smtp.waitFor(count + 1);
      const cancel = invitePart(mails.at(-1)!);
      assert.equal(cancel.method, 'CANCEL');
      assert.match(mails.at(-1)!.raw, /text\/calendar; method=CANCEL/);
      assert.equal(cancel.status, 'CANCELLED');
      assert.equal(cancel.sequence, event.sequence + 2);
      assert.equal(cancel.uid, event.uid);
    });

    it('sends CANCEL when the person unsaves, and the organizer sees the counts', async () => {
      const event = await createEvent(t, { title: 'Film club' });
      const b = await verifiedPerson('cy@example.test', event.id);
      await drain();
      const count = (await smtp.messages()).length;
      assert.equal((await b.request('DELETE', `/api/v1/me/saved/${event.id}`)).statusCode, 204);
      await drain();
      const mails = await smtp.waitFor(count + 1);
      const cancel = invitePart(mails.at(-1)!);
      assert.equal(cancel.method, 'CANCEL');
      assert.equal(cancel.uid, event.uid);
      const stats = await t.app.inject({ url: `/api/v1/events/${event.id}/invites`, headers: t.auth });
      assert.deepEqual(stats.json(), { sent: 1, failed: 0, pending: 0 });
      assert.equal((await t.app.inject(`/api/v1/events/${event.id}/invites`)).statusCode, 401, 'organizer only');
    });

    it('one-click unsubscribe (RFC 8058) forgets the address; a GET of the link changes nothing', async () => {
      const event = await createEvent(t, { title: 'Choir' });
      const b = await verifiedPerson('di@example.test', event.id);
      await drain();
      const mails = await smtp.messages();
      const url = new URL(String(header(mails.at(-1)!, 'List-Unsubscribe')).slice(1, -1));
      const page = await t.app.inject(url.pathname);
      assert.equal(page.statusCode, 200);
      assert.equal((await b.request('GET', '/api/v1/me')).json().email.address, 'di@example.test', 'still there after a GET');
      const res = await t.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(res.statusCode, 200);
      assert.equal((await b.request('GET', '/api/v1/me')).json().email, null);
      const other = await createEvent(t, { title: 'Choir 2' });
      await b.request('POST', `/api/v1/me/saved/${other.id}`);
      await drain();
      assert.equal((await smtp.messages()).length, mails.length, 'nothing more is sent');
    });

    it('push wins for the address of a connected Google account, until the person chooses email', async () => {
      const event = await createEvent(t, { title: 'Lecture' });
      const b = await verifiedPerson('ana.sync@example.test');
      const me = await b.request('GET', '/api/v1/me');
      const visitorId = (await t.services.database.db.selectFrom('visitor_emails').select('visitor_id').where('address', '=', 'ana.sync@example.test').executeTakeFirstOrThrow()).visitor_id;
      const now = t.clock.now;
      await t.services.database.db
        .insertInto('connections')
        .values({ id: 'conn-sync', visitor_id: visitorId, kind: 'google', mode: 'push', status: 'active', account: 'Ana.Sync@example.test', created_at: now, updated_at: now } as never)
        .execute();
      assert.equal(me.statusCode, 200);
      const state = (await b.request('GET', '/api/v1/me/email')).json().email;
      assert.equal(state.channel, 'sync');
      assert.equal(state.syncedBy, 'google');
      await b.request('POST', `/api/v1/me/saved/${event.id}`);
      // Push jobs for the connection fail without a provider; only mail is looked at here.
      await drain().catch(() => undefined);
      const count = (await smtp.messages()).length;
      const chose = await b.request('PATCH', '/api/v1/me/email', { delivery: 'email' });
      assert.equal(chose.json().email.channel, 'email');
      await drain().catch(() => undefined);
      const mails = await smtp.waitFor(count + 1);
      assert.equal(invitePart(mails.at(-1)!).uid, event.uid);
    });

    it('the address moves with the person when two devices become one', async () => {
      await verifiedPerson('merge.me@example.test');
      const db = t.services.database.db;
      const from = (await db.selectFrom('visitor_emails').select('visitor_id').where('address', '=', 'merge.me@example.test').executeTakeFirstOrThrow()).visitor_id;
      await db.insertInto('visitors').values({ id: 'merge-target', created_at: t.clock.now, active_at: t.clock.now, feed_token_hash: null, feed_token_created_at: null }).execute();
      await mergeVisitors(db, from, 'merge-target', t.clock.now);
      const row = await db.selectFrom('visitor_emails').selectAll().where('address', '=', 'merge.me@example.test').executeTakeFirstOrThrow();
      assert.equal(row.visitor_id, 'merge-target');
      assert.ok(row.verified_at !== null);
    });

    it('refuses an address it cannot send to, and limits how often one is given', async () => {
      const b = browser(t);
      const bad = await b.request('PUT', '/api/v1/me/email', { email: 'not an address' });
      assert.equal(bad.statusCode, 422);
      let last = 0;
      for (let i = 0; i < 6; i++) last = (await b.request('PUT', '/api/v1/me/email', { email: `n${i}@example.test` })).statusCode;
      assert.equal(last, 429);
      assert.equal((await b.request('DELETE', '/api/v1/me/email')).statusCode, 204);
    });
  });

  describe(`the embedded default writes .eml files on ${engine.name}`, { skip: engine.skip }, () => {
    it('writes the verification email under DATA_DIR/mail', async () => {
      const fs = await import('node:fs');
      const os = await import('node:os');
      const path = await import('node:path');
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-mail-'));
      const t = await startTestApp(engine, { DATA_DIR: dataDir });
      try {
        const b = browser(t);
        assert.equal((await b.request('PUT', '/api/v1/me/email', { email: 'eml@example.test' })).statusCode, 202);
        await t.services.worker.drain();
        const files = fs.readdirSync(path.join(dataDir, 'mail'));
        assert.equal(files.length, 1);
        assert.match(files[0]!, /\.eml$/);
        const text = fs.readFileSync(path.join(dataDir, 'mail', files[0]!), 'utf8');
        assert.match(text, /^To: eml@example\.test\r$/m);
        assert.match(text, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
        assert.equal(fs.statSync(path.join(dataDir, 'mail', files[0]!)).mode & 0o077, 0, 'owner-only: it holds a one-time link');
      } finally {
        await t.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
