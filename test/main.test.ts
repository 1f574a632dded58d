import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';

// The real server as `npm start` runs it: a child process on a real port, embedded SQLite,
// demo data on first start, a generated admin token, graceful shutdown on SIGTERM.

const root = path.resolve(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  base: string;
}

async function start(dataDir: string, port: number): Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `file:${path.join(dataDir, 'cc.sqlite')}` };
  delete env.ADMIN_TOKEN;
  delete env.PUBLIC_URL;
  const child = spawn(process.execPath, ['src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 20_000;
  while (!output.includes('Admin token:')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output, base: `http://127.0.0.1:${port}` };
}

async function stop(r: Running): Promise<number | null> {
  if (r.child.exitCode !== null) return r.child.exitCode;
  const exited = new Promise<number | null>((resolve) => r.child.once('exit', (code) => resolve(code)));
  r.child.kill('SIGTERM');
  return exited;
}

describe('npm start on the embedded default', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-main-'));
  const running: Running[] = [];
  after(async () => {
    for (const r of running) await stop(r);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves demo feeds at once, prints URLs and the admin token, and shuts down gracefully', async () => {
    const port = await freePort();
    const server = await start(dataDir, port);
    running.push(server);
    const out = server.output();
    assert.match(out, new RegExp(`All events: +http://localhost:${port}/feeds/all\\.ics`));
    const token = /Admin token: +(\S+)/.exec(out)![1]!;
    assert.equal(fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim(), token);
    assert.equal(fs.statSync(path.join(dataDir, 'admin-token')).mode & 0o777, 0o600);

    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.base}/readyz`)).status, 200);

    const feed = await fetch(`${server.base}/feeds/all.ics`);
    assert.equal(feed.status, 200);
    const body = await feed.text();
    const events = new ICAL.Component(ICAL.parse(body)).getAllSubcomponents('vevent');
    assert.ok(events.length >= 7, `demo events in the feed: ${events.length}`);
    assert.ok(events.some((v) => v.getFirstPropertyValue('status') === 'CANCELLED'), 'a cancelled one');
    assert.ok(events.some((v) => v.getFirstProperty('dtstart')!.type === 'date'), 'an all-day one');
    assert.ok(new Set(events.map((v) => v.getFirstProperty('dtstart')!.getParameter('tzid')).filter(Boolean)).size >= 3, 'several zones');

    const again = await fetch(`${server.base}/feeds/all.ics`, { headers: { 'if-none-match': feed.headers.get('etag')! } });
    assert.equal(again.status, 304);

    const created = await fetch(`${server.base}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Added live', start: '2027-01-05T18:00', end: '2027-01-05T19:00', timezone: 'Europe/Paris' }),
    });
    assert.equal(created.status, 201);
    const listed = await (await fetch(`${server.base}/api/v1/events?limit=200`)).text();
    assert.match(listed, /Added live/);
    const home = await fetch(`${server.base}/`);
    if (fs.existsSync(path.join(root, 'dist/web/index.html'))) {
      assert.equal(home.status, 200, 'the built front end is served (npm test builds it first)');
      assert.match(home.headers.get('content-type')!, /^text\/html/);
    } else {
      assert.equal(home.status, 503);
      assert.match(await home.text(), /npm run build:web/, 'says how to build the front end');
    }

    assert.equal((await fetch(`${server.base}/metrics`)).status, 401, 'metrics need the admin token');
    const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    assert.match(metrics, /http_requests_total\{route="\/feeds\/all.ics",method="GET",status="304"\} 1/);

    assert.equal(await stop(server), 0, 'exits cleanly on SIGTERM');
    assert.equal(server.output().split(token).length - 1, 1, 'the token is printed once, never logged');
  });

  it('restarts on the same data without adding the demo events again', async () => {
    const server = await start(dataDir, await freePort());
    running.push(server);
    const list = (await (await fetch(`${server.base}/api/v1/events?includeCancelled=true&limit=200`)).json()) as { items: unknown[] };
    assert.equal(list.items.length, 9, 'eight demo events plus the one added live');
    assert.doesNotMatch(server.output(), /demo events/);
    assert.equal(await stop(server), 0);
  });
});
