// Drain rate: a full outbox of push jobs emptied by N separate `node src/worker.ts` processes
// sharing it through leases, against the Google emulator; then proof that every copy arrived
// exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { GoogleEmulator } from '../test/emulators/google.ts';
import { benchEnv, clearRemoteEvents, cloneSchema, outboxSize, startBenchApp, withSchemaLock } from './push-setup.ts';
import type { PushWorld } from './push-world.ts';

const root = path.resolve(import.meta.dirname, '..');

export interface DrainRow {
  workers: number;
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  /** Remote events the emulator holds at the end (should equal jobs). */
  copies: number;
  /** Remote event ids inserted more than once (should be 0). */
  duplicates: number;
  failedJobs: number;
}

export interface DrainOptions {
  google: GoogleEmulator;
  world: PushWorld;
  workers: number;
  log: (line: string) => void;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  stderr(): string;
  stop(): Promise<void>;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['src/worker.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-4000)));
  const ready = new Promise<void>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => line.includes('push worker running') && resolve());
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${err}`)));
  });
  ready.catch(() => undefined); // observed through `ready` by the caller
  return {
    child,
    ready,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => (clearTimeout(kill), resolve()));
        child.kill('SIGTERM');
      }),
  };
}

function remoteTally(google: GoogleEmulator) {
  const confirmed = [...google.events.values()].filter((e) => e.status === 'confirmed').length;
  const duplicates = [...google.inserts.values()].filter((n) => n !== 1).length;
  return { confirmed, duplicates, ids: google.inserts.size };
}

export async function runDrain(o: DrainOptions): Promise<DrainRow> {
  const { google, world } = o;
  const jobs = world.jobs;
  clearRemoteEvents(google);
  const schema = await cloneSchema(world.queued.schema);
  const env = benchEnv(google, schema.schema, false);
  // Only to watch the outbox and count copies: no worker in this process.
  const bench = await startBenchApp(env);
  const workers: Worker[] = [];
  try {
    const { services, database } = bench;
    const queued = await outboxSize(services);
    if (queued !== jobs) throw new Error(`expected ${jobs} jobs in the cloned outbox, found ${queued}`);

    // Held back until every worker is up: otherwise the first process to boot would drain
    // alone for a while and the start of the clock would be a matter of process start-up.
    const FAR = Date.now() + 10 * 365 * 86_400_000;
    await sql`update outbox_jobs set run_at = ${FAR}`.execute(database.db);
    // Each worker migrates on start; the schema lock keeps a concurrent test run from dropping
    // one of its schemas while Kysely's migrator looks at all of them.
    await withSchemaLock(async () => {
      for (let i = 0; i < o.workers; i++) workers.push(startWorker(env));
      await Promise.all(workers.map((w) => w.ready));
    });

    await sql`update outbox_jobs set run_at = ${Date.now()}`.execute(database.db);
    const t0 = performance.now();
    let failedJobs = 0;
    for (;;) {
      const counts = await services.outbox.countsByState();
      const left = Object.values(counts).reduce((a, b) => a + b, 0);
      failedJobs = (counts.dead ?? 0) + (counts.parked ?? 0);
      if (left === failedJobs) break;
      const gone = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (gone) throw new Error(`a worker died during the drain:\n${gone.stderr()}`);
      if (performance.now() - t0 > 300_000) throw new Error(`the outbox still held ${left} jobs after 300 s`);
      // Coarse enough that counting the outbox is no real load on the database being measured.
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(workers.map((w) => w.stop()));

    const tally = remoteTally(google);
    const synced = await database.db
      .selectFrom('pushed_copies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'synced')
      .executeTakeFirstOrThrow();
    if (tally.confirmed !== jobs || tally.ids !== jobs || Number(synced.n) !== jobs || tally.duplicates > 0 || failedJobs > 0) {
      o.log(
        `drain ×${o.workers}: CHECK FAILED: ${tally.confirmed} confirmed remote events, ${tally.ids} ids inserted, ` +
          `${tally.duplicates} inserted more than once, ${Number(synced.n)} copies synced, ${failedJobs} dead/parked jobs (expected ${jobs}/${jobs}/0/${jobs}/0)`,
      );
      process.exitCode = 1;
    }
    return { workers: o.workers, jobs, seconds, jobsPerSecond: jobs / seconds, copies: tally.confirmed, duplicates: tally.duplicates, failedJobs };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await bench.close();
    await schema.drop();
  }
}
