// `npm test`: type-check, then every test file under test/ with node's test runner.
// Ends with a plain "N passed, N failed" line (CI reads it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });

if (!process.env.TEST_DATABASE_URL) {
  console.log('notice: TEST_DATABASE_URL is not set; PostgreSQL suites are skipped (SQLite suites still run).');
}

const typecheck = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root]);
if (typecheck.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const filter = process.argv.slice(2);
const files = filter.length > 0 ? filter : ['test/**/*.test.ts'];
const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-test-')), 'results.tap');
const result = run(process.execPath, [
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...files,
]);
const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
const failed = count('fail') + (result.status !== 0 && count('fail') === 0 ? 1 : 0);
console.log(`${count('pass')} passed, ${failed} failed`);
process.exit(result.status ?? 1);
