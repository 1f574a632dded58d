// The three servers the feed load benchmark compares, each in its own processes on 127.0.0.1:
// ours (`node src/main.ts` as operators run it), nginx serving the same bytes statically
// (gzip_static on a pre-compressed copy), and a bare node:http server sending the same bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig } from '../src/infra/config.ts';
import { openDatabase } from '../src/infra/db/database.ts';
import { migrateToLatest } from '../src/infra/db/migrate.ts';
import { createServices } from '../src/services.ts';
import { ADMIN_TOKEN, SESSION_SECRET, TEST_VAULT_KEYS, freePort } from '../test/helpers/app.ts';
import { pgUrl, postgresProblem, withSchemaLock } from './push-setup.ts';
import { generateEvents } from './events.ts';

const root = path.resolve(import.meta.dirname, '..');
export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? null;

export interface Running {
  base: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => (child.once('exit', () => resolve()), child.kill(signal)));
}

async function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output += line + '\n';
      if (pattern.test(line)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${output}`)));
  });
}

/**
 * Ours, with `events` events: on PostgreSQL (the multi-process setup; WEB_CONCURRENCY as the
 * operator would leave it, one process per core) when it answers, else on SQLite, one process.
 */
export async function startOurs(events: number): Promise<Running & { engine: string; processes: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bench-feed-'));
  const usePostgres = (await postgresProblem()) === null;
  const schema = `cc_bench_feed_${process.pid}_${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = usePostgres
    ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema }
    : { DATABASE_URL: `file:${path.join(dir, 'bench.sqlite')}`, WEB_CONCURRENCY: '1' };
  if (usePostgres && process.env.BENCH_WEB_CONCURRENCY) env.WEB_CONCURRENCY = process.env.BENCH_WEB_CONCURRENCY;
  else if (usePostgres) delete process.env.WEB_CONCURRENCY; // the default, not a test runner's 1
  Object.assign(env, { FEED_FUTURE_DAYS: '3650', TOKEN_ENCRYPTION_KEYS: TEST_VAULT_KEYS, DATA_DIR: dir, DEMO_DATA: 'false' });
  const config = loadConfig(env);
  const database = openDatabase({ url: config.databaseUrl, schema: usePostgres ? schema : undefined });
  if (usePostgres) await withSchemaLock(async (admin) => (await admin.query(`create schema ${schema}`), await migrateToLatest(database)));
  else await migrateToLatest(database);
  const services = createServices(config, database);
  for (const event of generateEvents(events)) await services.eventRepository.insert({ ...event, status: event.status === 'cancelled' ? 'confirmed' : event.status });
  await database.close();

  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'src/main.ts')], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', WORKER: 'false', LOG_LEVEL: 'warn', ADMIN_TOKEN: `${ADMIN_TOKEN}-0123456789`, SESSION_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(child, /Admin token:/, 'our server');
  return {
    base: `http://127.0.0.1:${port}`,
    engine: usePostgres ? 'PostgreSQL' : 'SQLite',
    processes: config.webConcurrency,
    async stop() {
      await stopChild(child);
      if (usePostgres) await withSchemaLock((admin) => admin.query(`drop schema if exists ${schema} cascade`));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes the bytes and validators ours sent, for the baselines to send the same. */
export function writeFeedCopy(dir: string, identity: Buffer, gzip: Buffer, meta: { etag: string; gzipEtag: string; lastModified: string }): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'feed.ics'), identity, { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'feed.ics.gz'), gzip, { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta), { mode: 0o644 });
  // gzip_static sends the .gz copy with the original's modification time as its validator source.
  const mtime = new Date(meta.lastModified);
  for (const file of ['feed.ics', 'feed.ics.gz']) fs.utimesSync(path.join(dir, file), mtime, mtime);
}

/** nginx serving `dir` statically: one worker per core, sendfile, gzip_static, ETags. */
export async function startNginx(dir: string): Promise<Running> {
  const port = await freePort();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bench-nginx-'));
  fs.chmodSync(work, 0o755); // its workers may drop root for `nobody`
  const temp = (name: string) => path.join(work, name);
  fs.writeFileSync(
    temp('nginx.conf'),
    `pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
worker_processes auto;
events { worker_connections 1024; }
http {
  client_body_temp_path ${temp('body')}; proxy_temp_path ${temp('proxy')}; fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')}; scgi_temp_path ${temp('scgi')};
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/calendar ics; }
  server {
    listen 127.0.0.1:${port};
    root ${dir};
    location / { gzip_static on; etag on; add_header Cache-Control "public, max-age=300"; }
  }
}
`,
  );
  const child = spawn(NGINX!, ['-p', work, '-e', temp('error.log'), '-c', temp('nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; !(await fetch(`${base}/feed.ics`).then((r) => r.ok, () => false)); tries++) {
    if (child.exitCode !== null || tries > 100) throw new Error(`nginx did not start: ${fs.readFileSync(temp('error.log'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      await stopChild(child, 'SIGQUIT');
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The bare node:http baseline, as many processes as ours. */
export async function startBareNode(dir: string, processes: number): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'bare-node-server.ts'), dir, String(port), String(processes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForLine(child, /^ready$/, 'the bare node server');
  return { base: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
