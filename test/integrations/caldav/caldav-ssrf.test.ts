import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createCalDavProvider } from '../../../src/integrations/caldav/index.ts';
import { ProviderError } from '../../../src/integrations/provider.ts';
import type { Resolve } from '../../../src/infra/net/ssrf-guard.ts';

// Finding 6, with real connections on 127.0.0.1 only (no real DNS, nothing off this machine):
// a name that answers a public address to the check and a private one at connect is refused at
// connect; a redirect to another origin never receives the person's password; discovery has an
// overall deadline.

const listen = (server: net.Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

describe('CalDAV requests and the SSRF guard', () => {
  it('refuses at connect a name that resolved to a public address first and a private one second (DNS rebinding)', async () => {
    let connections = 0;
    const target = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const port = await listen(target);
    try {
      const answers = ['93.184.216.34', '127.0.0.1'];
      let calls = 0;
      const resolve: Resolve = async () => [{ address: answers[Math.min(calls++, 1)]!, family: 4 }];
      const provider = createCalDavProvider({ serverUrl: `https://rebind.example.test:${port}/`, username: 'nina', password: 'pw', allowPrivateNetwork: false, resolve });
      await assert.rejects(provider.discover(), (e: ProviderError) => e.code === 'permanent' && /private or local network/.test(e.message));
      assert.equal(calls, 2, 'checked once before asking, and again at connect');
      assert.equal(connections, 0, 'nothing connected to the private address');
    } finally {
      await close(target);
    }
  });

  describe('redirects', () => {
    const seen: { server: string; authorization: string | undefined }[] = [];
    const propfindAnswer = (res: http.ServerResponse) => res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
    let other: http.Server;
    let first: http.Server;
    let otherPort = 0;
    let firstPort = 0;
    before(async () => {
      other = http.createServer((req, res) => {
        seen.push({ server: 'other', authorization: req.headers.authorization });
        propfindAnswer(res);
      });
      otherPort = await listen(other);
      first = http.createServer((req, res) => {
        seen.push({ server: 'first', authorization: req.headers.authorization });
        if (req.url === '/same-origin/') return res.writeHead(307, { location: '/moved/' }).end();
        if (req.url === '/other-origin/') return res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/dav/` }).end();
        propfindAnswer(res);
      });
      firstPort = await listen(first);
    });
    after(async () => {
      await close(first);
      await close(other);
    });

    const discover = (path: string, extra: object = {}) =>
      createCalDavProvider({ serverUrl: `http://127.0.0.1:${firstPort}${path}`, username: 'nina', password: 'secret-pw', allowPrivateNetwork: true, ...extra }).discover();

    it('keeps the credentials on a redirect within the origin', async () => {
      seen.length = 0;
      await assert.rejects(discover('/same-origin/'), (e: ProviderError) => e.code === 'reconnect_required');
      assert.deepEqual(seen.map((s) => [s.server, Boolean(s.authorization)]), [['first', true], ['first', true]]);
    });

    it('drops the credentials when a redirect names another origin', async () => {
      seen.length = 0;
      await assert.rejects(discover('/other-origin/'));
      assert.deepEqual(seen.map((s) => s.server), ['first', 'other']);
      assert.equal(seen[1]!.authorization, undefined, 'the other origin never sees the password');
    });
  });

  it('gives discovery an overall deadline, however slowly each hop answers', async () => {
    // Each answer comes just inside the per-request deadline; together they would take far longer.
    const slow = http.createServer((req, res) => setTimeout(() => res.writeHead(307, { location: req.url === '/a/' ? '/b/' : '/a/' }).end(), 150));
    const port = await listen(slow);
    try {
      const started = Date.now();
      const provider = createCalDavProvider({ serverUrl: `http://127.0.0.1:${port}/a/`, username: 'nina', password: 'pw', allowPrivateNetwork: true, timeoutMs: 1_000, discoveryTimeoutMs: 400 });
      await assert.rejects(provider.discover(), (e: ProviderError) => e.code === 'temporary' && /in time/.test(e.message));
      assert.ok(Date.now() - started < 900, 'ended at the discovery deadline');
    } finally {
      slow.closeAllConnections();
      await close(slow);
    }
  });
});
