import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';

// The security review's "what held" rows that had no test of their own (issue 12): path
// traversal, prototype keys in JSON bodies, request smuggling, and open redirects. Each is sent
// to the real HTTP server on loopback, as an attacker would, and must change nothing.

/** One raw HTTP/1.1 exchange, so that malformed framing reaches the server unchanged. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
  });
}

for (const engine of testEngines) {
  describe(`attacks that must keep failing, on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp & { baseUrl: string };
    let port: number;
    const eventCount = async () => (await t.database.db.selectFrom('events').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

    before(async () => {
      t = await startTestServer(engine);
      port = Number(new URL(t.baseUrl).port);
    });
    after(() => t.close());

    it('path traversal out of /assets/ finds nothing, however it is encoded', async () => {
      for (const path of ['/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/%2e%2e%2fpackage.json', '/assets/..%2f..%2fpackage.json', '/assets/....//package.json']) {
        const answer = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        assert.doesNotMatch(answer, /^HTTP\/1\.1 200/, `${path} must not be served`);
        assert.doesNotMatch(answer, /"devDependencies"/, `${path} leaked package.json`);
      }
    });

    it('prototype keys in a JSON body neither pollute objects nor sneak fields in', async () => {
      const before = await eventCount();
      const body = '{"title":"Proto","start":"2027-05-01T10:00","end":"2027-05-01T11:00","timezone":"UTC","__proto__":{"polluted":true,"sequence":99},"constructor":{"prototype":{"polluted":true}}}';
      const res = await fetch(`${t.baseUrl}/api/v1/events`, { method: 'POST', headers: { ...t.auth, 'content-type': 'application/json' }, body });
      assert.ok(res.status === 400 || res.status === 422 || res.status === 201, `answered ${res.status}`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
      if (res.status === 201) {
        const created = (await res.json()) as { sequence: number };
        assert.equal(created.sequence, 0, 'a field came in through __proto__');
      } else {
        assert.equal(await eventCount(), before, 'a refused request stored an event');
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      }
    });

    it('a request with both Content-Length and Transfer-Encoding is refused, not split into two', async () => {
      const before = await eventCount();
      const smuggled = 'GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
      const chunk = `0\r\n\r\n${smuggled}`;
      const answer = await rawRequest(
        port,
        `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${chunk.length}\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n${chunk}`,
      );
      assert.match(answer, /^HTTP\/1\.1 400/, 'node:http refuses the ambiguous framing');
      assert.equal((answer.match(/HTTP\/1\.1 /g) ?? []).length, 1, 'the smuggled second request was answered');
      assert.equal(await eventCount(), before);
    });

    it('no redirect leaves the site, whatever a query names', async () => {
      for (const path of ['/connect/google?returnTo=https://evil.test/', '/connect/google/callback?state=x&code=y&next=//evil.test', '//evil.test/%2e%2e', '/go/google/x?url=https://evil.test']) {
        const res = await fetch(`${t.baseUrl}${path}`, { redirect: 'manual' });
        assert.ok(res.status < 500, `${path} answered ${res.status}`);
        const location = res.headers.get('location');
        if (location) assert.ok(!/^(https?:)?\/\/evil\.test/i.test(location), `${path} redirected to ${location}`);
      }
    });
  });
}
