import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { testEngines } from '../helpers/databases.ts';
import { ADMIN_TOKEN, SESSION_SECRET, TEST_VAULT_KEYS } from '../helpers/app.ts';
import { loadConfig } from '../../src/infra/config.ts';
import { createServices } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';
import { redactUrl } from '../../src/infra/logger.ts';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../helpers/databases.ts';

describe('logs keep secrets out', () => {
  let app: FastifyInstance;
  let database: TestDatabase;
  let logs = '';
  before(async () => {
    database = await testEngines[0]!.open();
    const stream = new PassThrough();
    stream.on('data', (chunk) => (logs += chunk));
    const services = createServices(loadConfig({ PUBLIC_URL: 'https://cal.example.test', TOKEN_ENCRYPTION_KEYS: TEST_VAULT_KEYS }), database);
    app = await buildApp({ services, adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logStream: stream });
  });
  after(async () => {
    await app.close();
    await database.dispose();
  });

  it('never logs the admin token, session cookies or personal feed tokens', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { title: 'Logged', start: '2026-12-01T10:00', end: '2026-12-01T11:00', timezone: 'UTC' },
    });
    const me = await app.inject({ method: 'POST', url: `/api/v1/me/saved/${created.json().id}` });
    const cookie = String(me.headers['set-cookie']).split(';')[0]!;
    const rotated = await app.inject({ method: 'POST', url: '/api/v1/me/feed-token/rotate', headers: { cookie } });
    const feedPath = new URL(rotated.json().url).pathname;
    assert.equal((await app.inject({ url: feedPath, headers: { cookie } })).statusCode, 200);
    await app.inject({ url: `${feedPath}?x=1` });
    const token = /personal\/([^.]+)\.ics/.exec(feedPath)![1]!;
    assert.match(logs, /"url":"\/feeds\/personal\/\[redacted\]\.ics"/, 'requests are logged, with the token replaced');
    for (const secret of [ADMIN_TOKEN, token, cookie.split('=')[1]!]) assert.ok(!logs.includes(secret), `leaked ${secret.slice(0, 6)}…`);
  });

  it('redacts tokens in URLs', () => {
    assert.equal(redactUrl('/feeds/personal/abcDEF_-123.ics?x=1'), '/feeds/personal/[redacted].ics?x=1');
    assert.equal(redactUrl('/connect/google/callback?code=secret&state=s2'), '/connect/google/callback?code=[redacted]&state=[redacted]');
  });
});
