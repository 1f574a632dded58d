/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { launchBrowser, browserSkip, type Browser } from '../helpers/browser.ts';
import { smtpSkip, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { createEvent, invitePart, linkIn } from '../helpers/mail.ts';

// Email invites in Chromium (issue 15): give an address on My events, open the link from the
// verification email, then "Email me the invite" on an event page; the invite reaches the SMTP server.

describe('email invites in Chromium', { skip: browserSkip() || smtpSkip }, () => {
  let t: TestApp & { baseUrl: string };
  let smtp: SmtpSink;
  let browser: Browser;
  before(async () => {
    smtp = await startSmtpSink();
    t = await startTestServer(testEngines[0]!, { SMTP_URL: smtp.url, MAIL_FROM: 'Calendar Club <invites@cal.example.test>' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });
  const drain = () => {
    t.clock.now += 2_000;
    return t.services.worker.drain();
  };

  it('gives and confirms an address on My events, then emails an invite from the event page', async () => {
    const event = await createEvent(t, { title: 'Browser jazz' });
    const p = await browser.newPage();
    await p.goto(`${t.baseUrl}/me`);
    await p.getByRole('heading', { name: 'Invitations by email' }).waitFor();
    await p.getByLabel('Email address').fill('web.person@example.test');
    await p.getByRole('button', { name: 'Email me invitations' }).click();
    await p.getByText('We sent a link to web.person@example.test').waitFor();
    await drain();
    const [verification] = await smtp.waitFor(1);
    const link = linkIn(verification!.text ?? '', '/email/verify/');
    await p.goto(`${t.baseUrl}${link}`);
    await p.waitForURL(/\/me\?email=verified/);
    await p.getByText('Your address is confirmed').waitFor();
    await p.locator('.email-state').getByText('Confirmed').waitFor();
    await p.getByTestId('delivery-channels').getByText('web.person@example.test by email').waitFor();

    await p.goto(`${t.baseUrl}/events/${event.slug}`);
    await p.getByRole('button', { name: '✉ Email me the invite' }).click();
    await p.getByText('the invitation is on its way to web.person@example.test').waitFor();
    await drain();
    const mails = await smtp.waitFor(2);
    assert.equal(invitePart(mails[1]!).uid, event.uid);
    await p.close();
  });
});
