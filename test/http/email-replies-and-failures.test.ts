import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { smtpSkip, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { browser, createEvent, invitePart, linkIn, replyMessage } from '../helpers/mail.ts';
import { createEmailInvites } from '../../src/app/email-invites.ts';
import { MailSendError, type MailTransport } from '../../src/infra/mail/transport.ts';
import { PRODUCT_ID } from '../../src/services.ts';
import { createReloadingVault, loadVaultKeys } from '../../src/infra/crypto/vault-keys.ts';
import { createVisitorRepository } from '../../src/infra/db/visitor-repository.ts';

// Issue 15, points 3 and 4: replies coming back through POST /api/v1/inbound-mail (and forged
// ones changing nothing), and what SMTP failures do: 4xx retries with backoff, 5xx marks the
// address not working, a lost answer resends at most once.

const TOKEN = 'inbound-token-0123456789abcdef-0123456789';
const MAIL_ENV = { MAIL_FROM: 'Calendar Club <invites@cal.example.test>', INBOUND_MAIL_TOKEN: TOKEN };

for (const engine of testEngines) {
  describe(`email replies and failures on ${engine.name}`, { skip: engine.skip || smtpSkip }, () => {
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
    const drain = (advanceMs = 2_000) => {
      t.clock.now += advanceMs;
      return t.services.worker.drain();
    };
    const inbound = (raw: string, token: string | null = TOKEN) =>
      t.app.inject({ method: 'POST', url: '/api/v1/inbound-mail', headers: { 'content-type': 'message/rfc822', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: raw });

    async function invitedPerson(address: string, eventId: string) {
      const b = browser(t);
      await b.request('POST', `/api/v1/me/saved/${eventId}`);
      const count = (await smtp.messages()).length;
      await b.request('PUT', '/api/v1/me/email', { email: address });
      await drain();
      const verification = (await smtp.waitFor(count + 1)).at(-1)!;
      await b.request('GET', linkIn(verification.text ?? '', '/email/verify/'));
      await drain();
      assert.equal(invitePart((await smtp.waitFor(count + 2)).at(-1)!).method, 'REQUEST');
      return b;
    }
    const savedIds = async (b: ReturnType<typeof browser>) => (await b.request('GET', '/api/v1/me')).json().savedEventIds as string[];

    it('DECLINED unsaves (no CANCEL mail follows), ACCEPTED saves again', async () => {
      const event = await createEvent(t, { title: 'Reply test' });
      const b = await invitedPerson('ana.reply@example.test', event.id);
      const count = (await smtp.messages()).length;
      const declined = await inbound(replyMessage({ from: 'Ana <ana.reply@example.test>', attendee: 'ana.reply@example.test', uid: event.uid, partstat: 'DECLINED' }));
      assert.equal(declined.statusCode, 202);
      assert.deepEqual(declined.json(), { outcome: 'declined', events: 1 });
      assert.deepEqual(await savedIds(b), []);
      await drain();
      assert.equal((await smtp.messages()).length, count, 'their calendar declined it already: no CANCEL');

      const accepted = await inbound(replyMessage({ from: 'ana.reply@example.test', uid: event.uid, partstat: 'ACCEPTED' }));
      assert.deepEqual(accepted.json(), { outcome: 'accepted', events: 1 });
      assert.deepEqual(await savedIds(b), [event.id]);
      await drain();
      assert.equal((await smtp.messages()).length, count, 'the invite they accepted is not sent again');

      const tentative = await inbound(replyMessage({ from: 'ana.reply@example.test', uid: event.uid, partstat: 'TENTATIVE' }));
      assert.equal(tentative.statusCode, 202);
      assert.equal(tentative.json().outcome, 'ignored');
      assert.deepEqual(await savedIds(b), [event.id]);
    });

    it('forged replies change nothing: wrong sender, unknown address or UID, no or a wrong token', async () => {
      const event = await createEvent(t, { title: 'Forgery test' });
      const b = await invitedPerson('bo.reply@example.test', event.id);
      const forged = [
        replyMessage({ from: 'mallory@example.test', attendee: 'bo.reply@example.test', uid: event.uid, partstat: 'DECLINED' }),
        replyMessage({ from: 'mallory@example.test', uid: event.uid, partstat: 'DECLINED' }),
        replyMessage({ from: 'bo.reply@example.test', uid: 'unknown-uid@cal.example.test', partstat: 'DECLINED' }),
        'From: bo.reply@example.test\r\nSubject: hello\r\n\r\nno calendar here\r\n',
      ];
      for (const raw of forged) {
        const res = await inbound(raw);
        assert.equal(res.statusCode, 202);
        assert.equal(res.json().outcome, 'ignored', res.json().reason);
      }
      const real = replyMessage({ from: 'bo.reply@example.test', uid: event.uid, partstat: 'DECLINED' });
      assert.equal((await inbound(real, null)).statusCode, 401);
      assert.equal((await inbound(real, 'x'.repeat(40))).statusCode, 401);
      assert.deepEqual(await savedIds(b), [event.id], 'still saved');
    });

    it('a bounce (delivery status notification) marks the address not working', async () => {
      const event = await createEvent(t, { title: 'Bounce test' });
      const b = await invitedPerson('cy.bounce@example.test', event.id);
      const dsn = [
        'From: MAILER-DAEMON@mx.example.test',
        'To: invites@cal.example.test',
        'Subject: Undelivered Mail Returned to Sender',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"',
        '',
        '--r1',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--r1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.test',
        '',
        'Final-Recipient: rfc822; cy.bounce@example.test',
        'Action: failed',
        'Status: 5.1.1',
        '--r1--',
        '',
      ].join('\r\n');
      const res = await inbound(dsn);
      assert.deepEqual(res.json(), { outcome: 'bounce', addresses: 1 });
      assert.match((await b.request('GET', '/api/v1/me')).json().email.failing, /bounced/);
    });

    it('4xx retries with backoff until the server takes the message', async () => {
      const b = browser(t);
      const count = (await smtp.messages()).length;
      await b.request('PUT', '/api/v1/me/email', { email: 'busy.one@example.test' });
      await drain();
      assert.equal((await smtp.messages()).length, count, 'refused with 451');
      const [job] = (await t.services.outbox.jobs('mail:')).filter((j) => j.kind === 'email-verify' && j.state === 'ready');
      assert.ok(job && job.runAt > t.clock.now, 'waits before the next try');
      assert.match(job.lastError ?? '', /451/);
      await drain(5 * 60_000);
      await drain(5 * 60_000);
      const mails = await smtp.waitFor(count + 1);
      assert.equal(mails.length, count + 1, 'taken on the third try');
      assert.equal((await b.request('GET', '/api/v1/me')).json().email.failing, null);
    });

    it('5xx marks the address not working, shown on My events and to the organizer', async () => {
      const b = browser(t);
      await b.request('PUT', '/api/v1/me/email', { email: 'bounce.one@example.test' });
      await drain();
      assert.match((await b.request('GET', '/api/v1/me')).json().email.failing, /550|unavailable/);
      // As if it had been verified and worked before: an invite refused for good.
      const db = t.services.database.db;
      await db.updateTable('visitor_emails').set({ verified_at: t.clock.now, failing_at: null, failing_reason: null }).where('address', '=', 'bounce.one@example.test').execute();
      const event = await createEvent(t, { title: 'Refused test' });
      await b.request('POST', `/api/v1/me/saved/${event.id}`);
      await drain();
      assert.ok((await b.request('GET', '/api/v1/me')).json().email.failing);
      const stats = await t.app.inject({ url: `/api/v1/events/${event.id}/invites`, headers: t.auth });
      assert.deepEqual(stats.json(), { sent: 0, failed: 1, pending: 0 });
      assert.equal((await t.services.outbox.jobs('mail:')).filter((j) => j.state !== 'dead' && j.payload && (j.payload as { eventId?: string }).eventId === event.id).length, 0, 'not retried');
    });

    it('a lost SMTP answer resends at most once', async () => {
      const event = await createEvent(t, { title: 'Lost answer test' });
      await invitedPerson('di.lost@example.test', event.id);
      const visitorId = (await t.services.database.db.selectFrom('visitor_emails').select('visitor_id').where('address', '=', 'di.lost@example.test').executeTakeFirstOrThrow()).visitor_id;
      await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${event.id}`, headers: t.auth, payload: { title: 'Lost answer test, moved' } });
      // The message goes out, then the connection drops before the server's answer.
      let sends = 0;
      const lossy: MailTransport = { kind: 'smtp', close() {}, async send() { sends++; throw new MailSendError('temporary', 'no answer from the mail server (ETIMEDOUT)', null, true); } };
      const invites = createEmailInvites({
        emails: t.services.emailRepository,
        events: t.services.eventRepository,
        visitors: createVisitorRepository(t.services.database.db),
        vault: createReloadingVault(() => loadVaultKeys(t.config)),
        transport: lossy,
        publicUrl: t.config.publicUrl,
        mailFrom: t.config.mail.from,
        calendarName: 'Calendar Club',
        productId: PRODUCT_ID,
        clock: () => t.clock.now,
      });
      for (let i = 0; i < 3; i++) {
        const outcome = await invites.reconcileInvite({ visitorId, eventId: event.id }).catch((e: Error) => e.message);
        if (i < 2) assert.match(String(outcome), /ETIMEDOUT/);
        else assert.equal(outcome, 'assumed_sent');
      }
      assert.equal(sends, 2, 'sent, resent once, then taken as delivered');
      assert.equal(await invites.reconcileInvite({ visitorId, eventId: event.id }), 'nothing');
    });
  });
}

