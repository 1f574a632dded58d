// `npm test`: type-check, then every test file under test/ with node's test runner.
// Ends with a plain "N passed, N failed" line (CI reads it).
// Without TEST_DATABASE_URL, a throwaway PostgreSQL cluster is started for the run when the
// binaries are installed (scripts/throwaway-postgres.ts), so the PostgreSQL suites run too.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.ts';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });

// Servers the tests start are one process each unless a test asks for more.
process.env.WEB_CONCURRENCY ??= '1';

let cluster: ThrowawayPostgres | null = null;
if (!process.env.TEST_DATABASE_URL) {
  const started = await startThrowawayPostgres();
  if ('problem' in started) {
    console.log(`notice: TEST_DATABASE_URL is not set and no throwaway PostgreSQL could be started (${started.problem}); PostgreSQL suites are skipped (SQLite suites still run).`);
  } else {
    cluster = started;
    process.env.TEST_DATABASE_URL = cluster.url;
    console.log(`notice: TEST_DATABASE_URL is not set; PostgreSQL suites run on a throwaway cluster at ${cluster.url} (deleted afterwards).`);
  }
}
// The cluster goes with the run, however it ends: normal exit, failure, Ctrl-C or kill.
let child: ReturnType<typeof spawn> | null = null;
process.on('exit', () => cluster?.stop());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    child?.kill(signal);
    cluster?.stop();
    cluster = null;
    process.exit(128 + os.constants.signals[signal]);
  });
}

const typecheck = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root]);
if (typecheck.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const filter = process.argv.slice(2);
const files = filter.length > 0 ? filter : ['test/**/*.test.ts'];
const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-test-')), 'results.tap');
// Asynchronous, so that a signal reaches our handlers (and the cluster is removed) mid-run.
const result = await new Promise<{ status: number | null }>((resolve) => {
  child = spawn(process.execPath, [
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...files,
  ], { cwd: root, stdio: 'inherit', env: process.env });
  child.once('exit', (code) => resolve({ status: code }));
});
const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
const failed = count('fail') + (result.status !== 0 && count('fail') === 0 ? 1 : 0);
console.log(`${count('pass')} passed, ${failed} failed`);
process.exit(result.status ?? 1);
