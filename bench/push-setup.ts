// What both push benchmarks need: a fresh PostgreSQL schema, the Google emulator, the app
// started the way main.ts starts it, and many people connected to Google in push mode.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/infra/config.ts';
import { openDatabase, type DatabaseHandle } from '../src/infra/db/database.ts';
import { migrateToLatest } from '../src/infra/db/migrate.ts';
import { createServices, type Services } from '../src/services.ts';
import { buildApp } from '../src/http/app.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../test/emulators/google.ts';
import { ADMIN_TOKEN, SESSION_SECRET, TEST_VAULT_KEYS } from '../test/helpers/app.ts';
// The test suites' schema lock: a test run on this database never drops a schema under our
// migrator, nor we under theirs.
import { withSchemaLock as withTestSchemaLock } from '../test/helpers/databases.ts';

export const withSchemaLock = <T>(work: (admin: pg.Client) => Promise<T>) => withTestSchemaLock(work, pgUrl);

export const PUBLIC_URL = 'https://cal.example.test';
export const pgUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const GOOGLE_CLIENT = { clientId: 'bench-google', clientSecret: 'bench-google-secret' };

/** Why PostgreSQL cannot be used here, or null when it answers. */
export async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface BenchSchema {
  schema: string;
  /** Creates and migrates it (on a handle that is closed again: the app opens its own). */
  create(): Promise<void>;
  drop(): Promise<void>;
}

export function freshSchema(): BenchSchema {
  const schema = `cc_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    schema,
    async create() {
      const handle = openDatabase({ url: pgUrl, schema });
      try {
        await withSchemaLock(async (admin) => {
          await admin.query(`create schema ${schema}`);
          await migrateToLatest(handle);
        });
      } finally {
        await handle.close();
      }
    },
    drop: () => withSchemaLock((admin) => admin.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
  };
}

/**
 * A fresh schema holding a copy of `source`'s rows: each run starts from the same people,
 * connections and queued jobs without paying for the OAuth flows and saves again. The copy is
 * migrated like any other (same constraints and indexes) and analyzed, so the planner starts
 * every run with the same statistics.
 */
export async function cloneSchema(source: string): Promise<BenchSchema> {
  const target = freshSchema();
  await target.create();
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const tables = (
      await client.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'kysely\_%'`,
        [source],
      )
    ).rows.map((r) => r.name);
    const references = (
      await client.query<{ child: string; parent: string }>(
        `select ch.relname as child, pa.relname as parent from pg_constraint c
         join pg_class ch on ch.oid = c.conrelid join pg_class pa on pa.oid = c.confrelid
         join pg_namespace n on n.oid = ch.relnamespace
         where c.contype = 'f' and n.nspname = $1 and ch.relname <> pa.relname`,
        [source],
      )
    ).rows;
    // Parents before children, so the foreign keys hold row by row.
    const order: string[] = [];
    while (order.length < tables.length) {
      const next = tables.filter((t) => !order.includes(t) && references.every((r) => r.child !== t || order.includes(r.parent)));
      if (next.length === 0) throw new Error('cyclic foreign keys');
      order.push(...next);
    }
    await client.query('begin');
    // Migrations seed a few rows (feed versions...): the copy replaces them.
    await client.query(`truncate ${order.map((t) => `${target.schema}."${t}"`).join(', ')}`);
    for (const t of order) await client.query(`insert into ${target.schema}."${t}" select * from ${source}."${t}"`);
    await client.query('commit');
    for (const t of order) await client.query(`analyze ${target.schema}."${t}"`);
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    await target.drop();
    throw error;
  } finally {
    await client.end();
  }
  return target;
}

/** Forgets every remote event (calendars and tokens stay), for a run on a cloned schema. */
export function clearRemoteEvents(google: GoogleEmulator): void {
  google.events.clear();
  google.inserts.clear();
  google.requests.length = 0;
}

/** A local Google with no artificial delay and no scripted faults: we time our side only. */
export async function startQuietGoogle(): Promise<GoogleEmulator> {
  const google = await startGoogleEmulator({ clients: [{ ...GOOGLE_CLIENT, redirectUris: [`${PUBLIC_URL}/connect/google/callback`] }] });
  google.faults.delayMs = 0;
  google.faults.queue.length = 0;
  return google;
}

/** The environment of the app and of every `node src/worker.ts` pointed at this schema. */
export function benchEnv(google: GoogleEmulator, schema: string, worker: boolean): Record<string, string> {
  return {
    PUBLIC_URL,
    DATABASE_URL: pgUrl,
    DATABASE_SCHEMA: schema,
    TOKEN_ENCRYPTION_KEYS: TEST_VAULT_KEYS,
    GOOGLE_CLIENT_ID: GOOGLE_CLIENT.clientId,
    GOOGLE_CLIENT_SECRET: GOOGLE_CLIENT.clientSecret,
    GOOGLE_ACCOUNTS_URL: google.url,
    GOOGLE_OAUTH2_URL: google.url,
    GOOGLE_API_URL: google.url,
    WORKER: String(worker),
  };
}

export interface BenchApp {
  app: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  close(): Promise<void>;
}

/**
 * The app as main.ts builds it, not test/helpers/app.ts's startTestApp: that one freezes the
 * clock (every edit would carry the same updatedAt, which the worker reads as "unchanged") and
 * never starts the worker. Here the clock is real and the worker runs when WORKER=true.
 */
export async function startBenchApp(env: Record<string, string>): Promise<BenchApp> {
  const config = loadConfig(env);
  const database = openDatabase({ url: config.databaseUrl, schema: config.databaseSchema ?? undefined });
  const services = createServices(config, database);
  const app = await buildApp({ services, adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logger: false });
  await app.ready();
  if (config.worker) services.worker.start();
  return {
    app,
    services,
    database,
    async close() {
      await app.close();
      await services.worker.stop();
      await database.close();
    },
  };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

function firstCookie(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new Error('no session cookie');
  return value.split(';')[0]!;
}

/**
 * `count` new visitors, each through the real OAuth flow into a Google account of their own
 * (login_hint picks the emulator's account, so every person gets their own app calendar).
 * Returns each person's session cookie.
 */
// Each person comes from an address of their own, as real people do: the rate limits count
// sign-ins and saves per address (http/plugins/rate-limits.ts), and the bench is 1,000 people.
const addressOf = new Map<string, string>();
const personAddress = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

export async function connectPeople(app: FastifyInstance, count: number, tag: string): Promise<string[]> {
  const cookies: string[] = new Array(count);
  await inPool(Array.from({ length: count }, (_, i) => i), 8, async (i) => {
    const remoteAddress = personAddress(i);
    const begin = await app.inject({ url: '/connect/google?mode=push', remoteAddress });
    if (begin.statusCode !== 302) throw new Error(`connect: ${begin.statusCode} ${begin.body}`);
    const cookie = firstCookie(begin.headers['set-cookie']);
    const authorize = new URL(String(begin.headers.location));
    authorize.searchParams.set('login_hint', `${tag}-${i}@gmail.test`);
    const consent = await fetch(authorize, { redirect: 'manual' });
    await consent.arrayBuffer();
    const back = new URL(consent.headers.get('location')!);
    const done = await app.inject({ url: back.pathname + back.search, headers: { cookie }, remoteAddress });
    if (done.statusCode !== 302) throw new Error(`callback: ${done.statusCode} ${done.body.slice(0, 300)}`);
    cookies[i] = cookie;
    addressOf.set(cookie, remoteAddress);
  });
  return cookies;
}

/** A plain one-hour event a month from now; returns its id. */
export async function createEvent(app: FastifyInstance, title: string): Promise<string> {
  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const res = await app.inject({ method: 'POST', url: '/api/v1/events', headers: adminAuth, payload: { title, start: `${day}T18:00`, end: `${day}T19:00`, timezone: 'UTC' } });
  if (res.statusCode !== 201) throw new Error(`create event: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

export async function saveEvent(app: FastifyInstance, cookie: string, eventId: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/me/saved/${eventId}`, headers: { cookie }, remoteAddress: addressOf.get(cookie) });
  if (res.statusCode !== 201) throw new Error(`save: ${res.statusCode} ${res.body}`);
}

/** Jobs still in the outbox, whatever their state. */
export async function outboxSize(services: Services): Promise<number> {
  return Object.values(await services.outbox.countsByState()).reduce((a, b) => a + b, 0);
}

export async function until(check: () => Promise<boolean> | boolean, ms: number, what: string, pollMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Nearest-rank percentile (no interpolation: with 5 samples p95 is the slowest one). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
