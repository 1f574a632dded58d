import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/infra/db/database.ts';
import { migrateToLatest } from '../../src/infra/db/migrate.ts';
import { withSchemaLock } from '../helpers/databases.ts';
import { SESSION_SECRET, TEST_VAULT_KEYS, freePort } from '../helpers/app.ts';

// Issue 14, "correct at scale": real server processes (`node src/main.ts`, each with its push
// worker) on one PostgreSQL schema hold feed versions in memory. An edit made through one
// changes the feed's ETag on the other within a second, and no process answers a conditional
// GET with a 200 carrying content older than, or the same as, what the client holds.

const root = path.resolve(import.meta.dirname, '../..');
const pgUrl = process.env.TEST_DATABASE_URL;
const ADMIN_TOKEN = 'multiprocess-admin-token-0123456789abcdef';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

interface Server {
  base: string;
  child: ChildProcess;
  output(): string;
}

async function startServer(schema: string, port: number, publicUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl, // the same on every process: it is part of every ETag
      DATABASE_URL: pgUrl,
      DATABASE_SCHEMA: schema,
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      SESSION_SECRET,
      TOKEN_ENCRYPTION_KEYS: TEST_VAULT_KEYS,
      LOG_LEVEL: 'warn',
      WEB_CONCURRENCY: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  for (const deadline = Date.now() + 30_000; !output.includes('Admin token:'); ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base: `http://127.0.0.1:${port}`, child, output: () => output };
}

async function stopServer(s: Server): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode;
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  s.child.kill('SIGTERM');
  return exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const editOf = (body: string) => Number(/SUMMARY:Edit (\d+)/.exec(body)?.[1] ?? NaN);

describe('feeds served by two server processes on one PostgreSQL', { skip: pgUrl ? false : 'TEST_DATABASE_URL is not set' }, () => {
  const schema = `cc_test_mp_${process.pid}_${randomBytes(3).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-multiprocess-'));
  const servers: Server[] = [];

  before(async () => {
    // Made and migrated here, so the two processes do not race to create the schema.
    const handle = openDatabase({ url: pgUrl!, schema });
    await withSchemaLock(async (admin) => {
      await admin.query(`create schema ${schema}`);
      await migrateToLatest(handle);
    });
    await handle.close();
    const ports = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${ports[0]}`;
    servers.push(...(await Promise.all(ports.map((port) => startServer(schema, port, publicUrl, dataDir)))));
  });

  after(async () => {
    for (const s of servers) assert.equal(await stopServer(s), 0, `graceful exit:\n${s.output()}`);
    await withSchemaLock((admin) => admin.query(`drop schema if exists ${schema} cascade`));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (s: Server, method: string, url: string, body?: object, headers: Record<string, string> = auth) =>
    fetch(`${s.base}${url}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

  it('moves the ETag on every process within a second of an edit, and never answers a conditional GET with older content', async () => {
    const a = servers[0]!;
    const created = await api(a, 'POST', '/api/v1/events', { title: 'Edit 0', categories: ['Jazz'], start: '2026-12-20T18:00', end: '2026-12-20T20:00', timezone: 'Europe/Rome' });
    assert.equal(created.status, 201);
    const id = (await created.json()).id as string;

    // Calendar apps polling: each keeps the last version it got and sends its ETag. One client
    // per process, and one that alternates between them (a load balancer's choice).
    const versionOf = new Map<string, number>(); // ETag -> edit number, from 200 bodies
    const firstSeen: Map<number, number>[] = [new Map(), new Map()]; // per process: edit -> time first served
    const violations: string[] = [];
    let polling = true;
    async function client(name: string, pick: (i: number) => number) {
      let etag: string | null = null;
      let known = -1;
      for (let i = 0; polling; i++) {
        const which = pick(i);
        const res: Response = await fetch(`${servers[which]!.base}/feeds/all.ics`, { headers: etag ? { 'if-none-match': etag, 'accept-encoding': 'gzip' } : { 'accept-encoding': 'gzip' } });
        const at = Date.now();
        const got: string = res.headers.get('etag')!;
        if (res.status === 200) {
          const edit = editOf(await res.text());
          if (edit <= known) violations.push(`${name}: process ${which} answered ${etag} (edit ${known}) with a 200 carrying edit ${edit}`);
          versionOf.set(got, edit);
          etag = got;
          known = Math.max(known, edit);
        } else {
          assert.equal(res.status, 304);
          await res.arrayBuffer();
        }
        const served = res.status === 200 ? known : (versionOf.get(got) ?? -1);
        if (!firstSeen[which]!.has(served)) firstSeen[which]!.set(served, at);
        await sleep(5);
      }
    }
    const clients = [client('client of A', () => 0), client('client of B', () => 1), client('roaming client', (i) => i % 2)];

    const editedAt: number[] = [];
    for (let edit = 1; edit <= 5; edit++) {
      await sleep(300);
      const res = await api(a, 'PATCH', `/api/v1/events/${id}`, { title: `Edit ${edit}` });
      assert.equal(res.status, 200);
      editedAt[edit] = Date.now();
    }
    await sleep(1200);
    polling = false;
    await Promise.all(clients);

    assert.deepEqual(violations, []);
    for (let edit = 1; edit <= 5; edit++) {
      for (const which of [0, 1]) {
        const seen = firstSeen[which]!.get(edit);
        assert.ok(seen !== undefined, `process ${which} served edit ${edit}`);
        assert.ok(seen - editedAt[edit]! <= 1000, `process ${which} served edit ${edit} ${seen - editedAt[edit]!} ms after it was made`);
      }
    }
  });

  /** Polls `url` on `s` with `etag` until the ETag changes; fails after a second. */
  async function etagChanges(s: Server, url: string, etag: string, what: string): Promise<string> {
    for (const deadline = Date.now() + 1000; Date.now() < deadline; await sleep(10)) {
      const res = await fetch(`${s.base}${url}`, { headers: { 'if-none-match': etag } });
      await res.arrayBuffer();
      if (res.headers.get('etag') !== etag) return res.headers.get('etag')!;
    }
    throw new Error(`${what}: the ETag did not change within a second`);
  }

  it('moves category and personal feed versions on the other process too', async () => {
    const [a, b] = servers as [Server, Server];
    const created = await api(a, 'POST', '/api/v1/events', { title: 'Roaming', categories: ['Folk'], start: '2026-12-21T18:00', end: '2026-12-21T20:00', timezone: 'Europe/Rome' });
    const id = (await created.json()).id as string;
    const folk = (await fetch(`${b.base}/feeds/categories/folk.ics`)).headers.get('etag')!;
    await api(a, 'PATCH', `/api/v1/events/${id}`, { categories: ['Blues'] });
    await etagChanges(b, '/feeds/categories/folk.ics', folk, 'the category the event left');

    // A visitor on A (signed session cookie, valid on every process) saves and unsaves.
    const first = await api(a, 'POST', `/api/v1/me/saved/${id}`, undefined, {});
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const rotated = await api(a, 'POST', '/api/v1/me/feed-token/rotate', undefined, { cookie });
    const feedPath = new URL((await rotated.json()).url).pathname;
    let etag = (await fetch(`${b.base}${feedPath}`)).headers.get('etag')!;
    await api(a, 'DELETE', `/api/v1/me/saved/${id}`, undefined, { cookie });
    etag = await etagChanges(b, feedPath, etag, 'unsaving');
    await api(a, 'POST', `/api/v1/me/saved/${id}`, undefined, { cookie });
    await etagChanges(b, feedPath, etag, 'saving');
  });

  it('runs WEB_CONCURRENCY web processes on one port, which stop with the primary', async () => {
    const port = await freePort();
    const cluster = await startServer(schema, port, servers[0]!.base, dataDir, { WEB_CONCURRENCY: '2' });
    try {
      const forks = spawnSync('ps', ['--ppid', String(cluster.child.pid), '-o', 'pid=']).stdout.toString().trim().split('\n').filter(Boolean);
      assert.equal(forks.length, 2, 'two web processes under the primary');
      const feed = await fetch(`${cluster.base}/feeds/all.ics`);
      assert.equal(feed.status, 200);
      await feed.arrayBuffer();
      const etag = feed.headers.get('etag')!;
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${cluster.base}/feeds/all.ics`, { headers: { 'if-none-match': etag, connection: 'close' } });
        assert.equal(res.status, 304);
      }
    } finally {
      assert.equal(await stopServer(cluster), 0, cluster.output());
    }
  });
});
