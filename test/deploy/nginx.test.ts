import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/infra/config.ts';
import { createServices } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';
import { testEngines, type TestDatabase } from '../helpers/databases.ts';
import { ADMIN_TOKEN, SESSION_SECRET, TEST_VAULT_KEYS, freePort } from '../helpers/app.ts';

// deploy/nginx.conf, as the README tells operators to use it, in front of two app instances on
// one database: feeds, 304s and writes pass through it, and either instance can serve alone.
// Debian's nginx (`nginx-light`, installed by .ci/run); skipped with a notice without it.

const root = path.resolve(import.meta.dirname, '../..');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
if (!NGINX) console.log('notice: nginx is not installed (apt-get install nginx-light); the deployment test is skipped.');

/** The site file with this run's ports and a log path inside `dir`; everything else as shipped. */
function renderSite(dir: string, listenPort: number, upstreamPorts: number[]): string {
  const site = fs.readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');
  const servers = [...site.matchAll(/^(\s*)server 127\.0\.0\.1:\d+(.*);$/gm)];
  assert.equal(servers.length, upstreamPorts.length, 'the sample has one upstream line per test instance');
  let i = 0;
  const rendered = site
    .replace(/^(\s*)server 127\.0\.0\.1:\d+(.*);$/gm, (_, indent: string, rest: string) => `${indent}server 127.0.0.1:${upstreamPorts[i++]}${rest};`)
    .replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${listenPort};`)
    .replace(/access_log \S+ calendar_club;/, `access_log ${path.join(dir, 'access.log')} calendar_club;`);
  assert.notEqual(rendered, site);
  return rendered;
}

/** The main file a distribution would have, with every path (pid, logs, temp) inside `dir`. */
function mainConfig(dir: string): string {
  const temp = (name: string) => path.join(dir, 'temp', name);
  return `pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
worker_processes 1;
events { worker_connections 256; }
http {
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  include ${path.join(dir, 'site.conf')};
}
`;
}

for (const engine of testEngines) {
  describe(`deploy/nginx.conf in front of two app instances (${engine.name})`, { skip: !NGINX ? 'nginx is not installed' : engine.skip }, () => {
    let dir: string;
    let database: TestDatabase;
    let nginx: ChildProcess;
    let base: string;
    const apps: { app: FastifyInstance; port: number }[] = [];

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-nginx-'));
      // nginx's workers drop root for `nobody`; they must reach the temp folders.
      fs.chmodSync(dir, 0o755);
      fs.mkdirSync(path.join(dir, 'temp'), { mode: 0o755 }); // nginx makes only the last level
      database = await engine.open();
      const proxyPort = await freePort();
      base = `http://127.0.0.1:${proxyPort}`;
      for (let i = 0; i < 2; i++) {
        const config = loadConfig({ PUBLIC_URL: base, DATABASE_URL: 'file::memory:', TOKEN_ENCRYPTION_KEYS: TEST_VAULT_KEYS, TRUST_PROXY: '127.0.0.1' });
        const app = await buildApp({ services: createServices(config, database), adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logger: false });
        const port = await freePort();
        await app.listen({ port, host: '127.0.0.1' });
        apps.push({ app, port });
      }
      fs.writeFileSync(path.join(dir, 'site.conf'), renderSite(dir, proxyPort, apps.map((a) => a.port)));
      fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir));
      // In the foreground, as this test's child: it cannot outlive the test run.
      nginx = spawn(NGINX!, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      nginx.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      for (let tries = 0; ; tries++) {
        if (nginx.exitCode !== null) throw new Error(`nginx exited: ${stderr}${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
        const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
        if (up) break;
        if (tries > 100) throw new Error('nginx did not answer within 10 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    after(async () => {
      if (nginx && nginx.exitCode === null) {
        const exited = new Promise((r) => nginx.once('exit', r));
        nginx.kill('SIGQUIT'); // graceful: finishes open requests, then exits
        await exited;
      }
      for (const { app } of apps) await app.close();
      await database?.dispose();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const feedUrl = () => `${base}/feeds/all.ics`;

    it('serves a feed, then answers its conditional GET with 304', async () => {
      const first = await fetch(feedUrl());
      assert.equal(first.status, 200);
      assert.match(await first.text(), /^BEGIN:VCALENDAR/);
      const etag = first.headers.get('etag');
      assert.ok(etag, 'the ETag passes through');
      assert.match(first.headers.get('cache-control') ?? '', /public, max-age=\d+/);
      const again = await fetch(feedUrl(), { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.headers.get('etag'), etag);
    });

    it('passes the pre-compressed feed through with its own validator', async () => {
      const gz = await fetch(feedUrl(), { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.status, 200);
      assert.equal(gz.headers.get('content-encoding'), 'gzip');
      assert.match(await gz.text(), /^BEGIN:VCALENDAR/); // fetch decodes it
    });

    it('takes a POST, and every instance then serves the new feed version', async () => {
      const before = (await fetch(feedUrl())).headers.get('etag');
      const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10); // inside the feed window
      const created = await fetch(`${base}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Behind the proxy', start: `${day}T19:00`, end: `${day}T21:00`, timezone: 'Europe/Berlin' }),
      });
      assert.equal(created.status, 201);
      for (const { port } of apps) {
        const direct = await fetch(`http://127.0.0.1:${port}/feeds/all.ics`);
        assert.notEqual(direct.headers.get('etag'), before, `instance on ${port} moved on`);
        assert.match(await direct.text(), /SUMMARY:Behind the proxy/);
      }
      const stale = await fetch(feedUrl(), { headers: { 'if-none-match': before! } });
      assert.equal(stale.status, 200, 'the old ETag no longer matches');
      assert.match(await stale.text(), /SUMMARY:Behind the proxy/);
    });

    it('spreads requests over both instances and keeps serving when one stops', async () => {
      for (let i = 0; i < 20; i++) assert.equal((await fetch(feedUrl())).status, 200);
      const log = fs.readFileSync(path.join(dir, 'access.log'), 'utf8');
      for (const { port } of apps) assert.match(log, new RegExp(`upstream=127\\.0\\.0\\.1:${port}`), `instance on ${port} served`);

      await apps[0]!.app.close();
      for (let i = 0; i < 10; i++) {
        const r = await fetch(feedUrl());
        assert.equal(r.status, 200, 'the other instance answers');
        await r.arrayBuffer();
      }
      const tail = fs.readFileSync(path.join(dir, 'access.log'), 'utf8').slice(log.length);
      assert.match(tail, new RegExp(`upstream=127\\.0\\.0\\.1:${apps[1]!.port}`));
    });
  });
}
