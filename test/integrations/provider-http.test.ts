import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { providerFetch } from '../../src/integrations/http.ts';
import { ProviderError } from '../../src/integrations/provider.ts';
import { listenLocal } from '../emulators/listen.ts';

// The provider HTTP layer's deadline covers the whole answer: a server that sends its headers
// and then stalls in the body is a timeout (a retry), not a job that hangs for ever.

describe('provider requests against a server that stalls', () => {
  let server: http.Server;
  let origin = '';
  let close: () => Promise<void>;
  before(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/stall-in-body') res.write('{"items": [');
      else res.end('{"ok": true}');
    });
    ({ origin, close } = await listenLocal(server));
  });
  after(async () => {
    server.closeAllConnections();
    await close();
  });

  it('gives up on a body that never ends, with a retryable error', async () => {
    const started = Date.now();
    const failure = await providerFetch({ method: 'GET', url: `${origin}/stall-in-body`, timeoutMs: 300 }).catch((error: unknown) => error);
    assert.ok(failure instanceof ProviderError, String(failure));
    assert.equal(failure.code, 'temporary');
    assert.match(failure.message, /timed out/);
    assert.ok(Date.now() - started < 5_000);
  });

  it('reads a whole answer as before', async () => {
    const res = await providerFetch({ method: 'GET', url: `${origin}/fine`, timeoutMs: 300 });
    assert.deepEqual(res.body, { ok: true });
  });
});
