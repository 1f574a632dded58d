// `npm run bench:push` (also the last part of `npm run bench`): push sync on PostgreSQL against
// the local Google emulator. Edit-to-remote latency with the worker inside the app, then the
// outbox drain rate with 1, 2 and 4 worker processes. Prints Markdown and appends it to
// bench/results.md. BENCH_QUICK=1 for a smoke run. Skips (exit 0) when PostgreSQL is not there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pgUrl, postgresProblem, startQuietGoogle } from './push-setup.ts';
import { buildWorld, type PushWorld } from './push-world.ts';
import { runLatency } from './push-latency.ts';
import { runDrain, type DrainRow } from './push-drain.ts';

const quick = process.env.BENCH_QUICK === '1';
// The same people serve both parts: the "many copies" event is saved by all of them, and the
// drain queues each person's saves of `drainEventsEach` events (1,000 × 10 = 10,000 jobs).
const people = quick ? 50 : 1000;
const drainEventsEach = 10;
const editsOne = quick ? 5 : 30;
const editsMany = 5;
const workerCounts = [1, 2, 4];

const redacted = pgUrl.replace(/\/\/[^@/]*@/, '//');
const problem = await postgresProblem();
if (problem) {
  console.log(`notice: PostgreSQL at ${redacted} is not reachable (${problem}); the push benchmark is skipped.`);
  process.exit(0);
}

const lines: string[] = [];
const print = (s = '') => (process.stdout.write(s + '\n'), lines.push(s));
const log = (s: string) => process.stderr.write(s + '\n');
const ms = (v: number) => Math.round(v).toLocaleString('en');
const began = performance.now();

const google = await startQuietGoogle();
let world: PushWorld | undefined;
let latency: Awaited<ReturnType<typeof runLatency>>;
let polling: Awaited<ReturnType<typeof runLatency>>;
const drains: DrainRow[] = [];
try {
  world = await buildWorld(google, { people, drainEventsEach, log });
  latency = await runLatency({ google, world, editsOne, editsMany, wakeups: true, log });
  // The baseline, same run: the worker learns of edits only by polling.
  polling = await runLatency({ google, world, editsOne, editsMany, wakeups: false, log });
  for (const workers of workerCounts) drains.push(await runDrain({ google, world, workers, log }));
} finally {
  await world?.dispose();
  await google.close();
}

print();
print(`### Push sync: edit-to-remote latency and outbox drain rate${quick ? ' (BENCH_QUICK smoke run)' : ''}`);
print();
print(
  `Node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}); ` +
    `PostgreSQL on ${new URL(pgUrl).host}, a fresh schema per run; Google emulator in the bench process, no artificial delay, no faults; ${new Date().toISOString().slice(0, 10)}.`,
);
print();
print('| edit-to-remote (worker in the app) | worker learns of it by | copies | edits | p50 ms | p95 ms | max ms |');
print('|---|---|---:|---:|---:|---:|---:|');
for (const r of [...latency.rows, ...polling.rows]) {
  const who = r.copies === 1 ? 'saved by 1 person' : `saved by ${r.copies.toLocaleString('en')} people, until all copies are updated`;
  print(`| event ${who} | ${r.mode === 'wake-up' ? 'wake-up (NOTIFY)' : 'polling only (baseline)'} | ${r.copies.toLocaleString('en')} | ${r.edits} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} |`);
}
print();
print(
  `Time from the PATCH response to the emulator holding the new title (in every copy). With wake-ups the worker starts on the ` +
    `NOTIFY sent at commit; the baseline (PUSH_WAKEUPS=false) waits for its next poll (observed median idle gap ` +
    `${ms(polling.idlePollMs)} ms), and edits land at random points of that cycle.`,
);
print();
print('| drain: worker processes | jobs | seconds | jobs/s | copies in emulator | ids inserted twice | dead/parked jobs |');
print('|---:|---:|---:|---:|---:|---:|---:|');
for (const d of drains) {
  print(`| ${d.workers} | ${d.jobs.toLocaleString('en')} | ${d.seconds.toFixed(1)} | ${ms(d.jobsPerSecond)} | ${d.copies.toLocaleString('en')} | ${d.duplicates} | ${d.failedJobs} |`);
}
print();
print(
  `${people.toLocaleString('en')} people × ${drainEventsEach} saved events, queued once through the API with no worker running and copied ` +
    `into a fresh schema for each run; N \`node src/worker.ts\` processes, timed from the jobs' release (all workers up, so up to one ` +
    `idle poll of pick-up delay is included) until the outbox is empty. The workers share ${os.cpus().length} CPUs with PostgreSQL, the emulator and this process.`,
);
fs.appendFileSync(path.join(import.meta.dirname, 'results.md'), lines.join('\n') + '\n');
log(`push benchmark done in ${((performance.now() - began) / 1000).toFixed(0)} s; appended to bench/results.md`);
