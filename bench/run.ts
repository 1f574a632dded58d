// `npm run bench`: our serializer against ical-generator (the baseline, same run, same data),
// then the feed endpoint under load on 127.0.0.1. Prints Markdown tables and writes them to
// bench/results.md. BENCH_QUICK=1 for a smoke run; BENCH_SECONDS sets each load run's length,
// BENCH_ROUNDS how many interleaved rounds each load case gets (default 2, best one kept).
// Ends with the push-sync benchmark (bench/push.ts), which appends to the same file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { feedLoadBenchmark } from './feed-load.ts';

const here = import.meta.dirname;
const quick = process.env.BENCH_QUICK === '1';
const sizes = quick ? [200, 1000] : [1000, 10000, 50000];
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 1 : 5));

interface RenderResult {
  library: string;
  size: number;
  eventsPerSecond: number;
  peakMb: number;
  renderMb: number;
  bytes: number;
}

function renderCase(library: string, size: number, runs = size >= 50000 ? 2 : 3): RenderResult {
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(here, 'render-case.ts'), library, String(size), String(runs)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`render case ${library} ${size} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RenderResult;
}

const lines: string[] = [];
const print = (s = '') => (process.stdout.write(s + '\n'), lines.push(s));

print(`Node ${process.version}, ${process.platform}/${process.arch}, ${(await import('node:os')).cpus().length} CPUs; sizes ${sizes.join(', ')}; load runs of ${seconds} s, 8 connections.`);
print();
print('| events | library | events/s | peak RSS (MB) | render memory (MB) | output (MB) | speed vs ical-generator | memory vs ical-generator |');
print('|---:|---|---:|---:|---:|---:|---:|---:|');
for (const size of sizes) {
  const baseline = renderCase('ical-generator', size);
  const ours = renderCase('ours', size);
  for (const r of [ours, baseline]) {
    const speed = r === ours ? `${(ours.eventsPerSecond / baseline.eventsPerSecond).toFixed(1)}×` : '1.0×';
    const memory = r === ours ? `${(ours.renderMb / baseline.renderMb).toFixed(2)}×` : '1.00×';
    print(`| ${size.toLocaleString('en')} | ${r.library === 'ours' ? 'Calendar Club' : 'ical-generator'} | ${r.eventsPerSecond.toLocaleString('en')} | ${r.peakMb.toFixed(0)} | ${r.renderMb.toFixed(0)} | ${(r.bytes / 2 ** 20).toFixed(1)} | ${speed} | ${memory} |`);
  }
}
print();
print('Render memory = peak RSS minus RSS before rendering (same generated events in both).');
print();

// Series render as a master VEVENT plus one per changed occurrence; the cost per VEVENT must
// not be worse than for one-off events.
const seriesSize = quick ? 1000 : 10000;
print('| feed | events | of which series | VEVENTs | render ms | µs per VEVENT |');
print('|---|---:|---:|---:|---:|---:|');
for (const library of ['ours', 'ours-series']) {
  const r = renderCase(library, seriesSize) as RenderResult & { vevents: number; bestMs: number; microsPerVevent: number };
  const series = library === 'ours' ? 0 : Math.min(2000, Math.round(seriesSize / 5));
  print(`| ${library === 'ours' ? 'one-off events' : 'with series'} | ${seriesSize.toLocaleString('en')} | ${series.toLocaleString('en')} | ${r.vevents.toLocaleString('en')} | ${r.bestMs.toFixed(0)} | ${r.microsPerVevent.toFixed(1)} |`);
}
print();

// After an edit of one event the next render serializes that event and copies the others'
// kept VEVENT bytes (issue 14 goal: at most 10 ms for 10,000 events).
print('| events | render after one edit, median ms | worst ms | edits measured |');
print('|---:|---:|---:|---:|');
for (const size of quick ? [1000] : [10000, 50000]) {
  const r = renderCase('ours-after-edit', size, 20) as unknown as { medianMs: number; worstMs: number };
  print(`| ${size.toLocaleString('en')} | ${r.medianMs.toFixed(1)} | ${r.worstMs.toFixed(1)} | 20 |`);
}
print();

// The feed route under load, against nginx and a bare node:http server in the same run.
for (const line of await feedLoadBenchmark(500, seconds)) print(line);
fs.writeFileSync(path.join(here, 'results.md'), lines.join('\n') + '\n');

// Push sync last: it appends its own tables to results.md (and skips itself without PostgreSQL).
// BENCH_PUSH=0 leaves it out (the feed parts alone).
if (process.env.BENCH_PUSH !== '0') {
  const push = spawnSync(process.execPath, [path.join(here, 'push.ts')], { stdio: 'inherit' });
  if (push.status !== 0) process.exitCode = push.status ?? 1;
}
