// `npm run bench`: our serializer against ical-generator (the baseline, same run, same data),
// then the feed endpoint under load on 127.0.0.1. Prints Markdown tables and writes them to
// bench/results.md. BENCH_QUICK=1 for a smoke run; BENCH_SECONDS sets each load run's length.
// Ends with the push-sync benchmark (bench/push.ts), which appends to the same file.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';

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

function renderCase(library: string, size: number): RenderResult {
  const runs = size >= 50000 ? 2 : 3;
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(here, 'render-case.ts'), library, String(size), String(runs)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`render case ${library} ${size} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RenderResult;
}

async function startServer(events: number): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(here, 'serve-server.ts'), String(events)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  return {
    port,
    stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}

async function load(url: string, headers: Record<string, string>) {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers });
  const ok = result['2xx'] + (result.statusCodeStats?.['304']?.count ?? 0);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx - (result.statusCodeStats?.['304']?.count ?? 0), ok };
}

const lines: string[] = [];
const print = (s = '') => (process.stdout.write(s + '\n'), lines.push(s));

print(`Node ${process.version}, ${process.platform}/${process.arch}, ${(await import('node:os')).cpus().length} CPUs; sizes ${sizes.join(', ')}; load runs of ${seconds} s, 10 connections.`);
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

print('| scenario | req/s | p50 ms | p99 ms | errors |');
print('|---|---:|---:|---:|---:|');
for (const events of quick ? [500] : [500, 5000]) {
  const server = await startServer(events);
  try {
    const url = `http://127.0.0.1:${server.port}/feeds/all.ics`;
    const first = await fetch(url);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const gzip = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    const gzipEtag = gzip.headers.get('etag')!;
    await gzip.arrayBuffer();
    const scenarios: [string, Record<string, string>][] =
      events === 500
        ? [
            [`${events}-event feed, plain GET`, {}],
            [`${events}-event feed, GET with gzip`, { 'accept-encoding': 'gzip' }],
            [`${events}-event feed, conditional GET (304)`, { 'if-none-match': etag }],
            [`${events}-event feed, conditional GET with gzip (304)`, { 'accept-encoding': 'gzip', 'if-none-match': gzipEtag }],
          ]
        : [[`${events}-event feed, conditional GET (304)`, { 'if-none-match': etag }]];
    for (const [name, headers] of scenarios) {
      const r = await load(url, headers);
      print(`| ${name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50} | ${r.p99} | ${r.errors} |`);
    }
  } finally {
    await server.stop();
  }
}
print();
print('The 304 path reads one row (the feed version) and never the events, so its rate does not fall with feed size.');
fs.writeFileSync(path.join(here, 'results.md'), lines.join('\n') + '\n');

// Push sync last: it appends its own tables to results.md (and skips itself without PostgreSQL).
const push = spawnSync(process.execPath, [path.join(here, 'push.ts')], { stdio: 'inherit' });
if (push.status !== 0) process.exitCode = push.status ?? 1;
