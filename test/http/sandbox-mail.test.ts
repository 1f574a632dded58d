import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { browser, createEvent } from '../helpers/mail.ts';

// The sandbox's mailbox (issue 15 point 5): with the embedded mail default, the .eml files the
// service wrote are listed on a page, and a message's links can be followed from it, so a
// newcomer verifies an address and sees the invites without any mail server.

const engine = testEngines[0]!;

describe('the sandbox mailbox page', () => {
  let t: TestApp;
  let dataDir: string;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-sandbox-mail-'));
    t = await startTestApp(engine, { SANDBOX: 'true', DATA_DIR: dataDir });
  });
  after(async () => {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists what was written, shows a message with its links, and the link verifies the address', async () => {
    const empty = await t.app.inject('/sandbox/mail');
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /No email yet/);

    const event = await createEvent(t, { title: 'Sandbox <jam>' });
    const person = browser(t);
    await person.request('POST', `/api/v1/me/saved/${event.id}`);
    assert.equal((await person.request('PUT', '/api/v1/me/email', { email: 'newcomer@example.test' })).statusCode, 202);
    await t.services.worker.drain();

    const list = await t.app.inject('/sandbox/mail');
    assert.match(list.headers['content-security-policy'] as string, /default-src 'self'/);
    assert.match(list.body, /newcomer@example\.test/);
    const link = /href="(\/sandbox\/mail\/[^"]+\.eml)"/.exec(list.body)?.[1];
    assert.ok(link, 'the verification message is listed');

    const message = await t.app.inject(link);
    assert.equal(message.statusCode, 200);
    const verify = /href="https:\/\/cal\.example\.test(\/email\/verify\/[^"]+)"/.exec(message.body)?.[1];
    assert.ok(verify, 'the verification link is clickable');
    assert.equal((await person.request('GET', verify)).statusCode, 303);
    t.clock.now += 2_000;
    await t.services.worker.drain();

    // The invite for the saved event is there now too, its title escaped.
    const after = await t.app.inject('/sandbox/mail');
    assert.equal((after.body.match(/href="\/sandbox\/mail\//g) ?? []).length, 2);
    assert.match(after.body, /Sandbox &lt;jam&gt;/);
    assert.doesNotMatch(after.body, /<jam>/);
  });

  it('shows only the mail folder’s own files', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '..%2Fsecret.eml', 'token-keys']) {
      const res = await t.app.inject(`/sandbox/mail/${name}`);
      assert.equal(res.statusCode, 404, name);
    }
  });
});

describe('without the sandbox', () => {
  it('has no mailbox page', async () => {
    const t = await startTestApp(engine);
    try {
      const res = await t.app.inject('/sandbox/mail');
      assert.equal(res.statusCode, 404);
      assert.doesNotMatch(res.body, /Sandbox mailbox/);
    } finally {
      await t.close();
    }
  });
});
