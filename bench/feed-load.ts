// The feed route under load against two baselines measured in the same run: nginx serving the
// same bytes statically (gzip_static on a pre-compressed copy) and a bare node:http server
// sending the same pre-encoded bytes. 8 connections, 127.0.0.1 only, the load from
// bench/load-client.ts in a process of its own (autocannon was the bottleneck: see there).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load-client.ts';
import { NGINX, startBareNode, startNginx, startOurs, writeFeedCopy, type Running } from './feed-servers.ts';

const CONNECTIONS = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Load {
  rps: number;
  p99: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number, expect: number): Promise<Load> {
  const options = JSON.stringify({ url, headers, connections: CONNECTIONS, seconds, expect });
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'load-client.ts'), options], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the load client exited with ${code}`);
  const r = JSON.parse(out.trim()) as LoadResult;
  return { rps: r.rps, p99: r.p99, errors: r.errors };
}

async function fetchBytes(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, decompress: false } as RequestInit);
  return { body: Buffer.from(await res.arrayBuffer()), etag: res.headers.get('etag')!, lastModified: res.headers.get('last-modified')! };
}

/** The three cases of issue 14, each on the three servers; returns Markdown lines. */
export async function feedLoadBenchmark(events: number, seconds: number): Promise<string[]> {
  const ours = await startOurs(events);
  const running: Running[] = [ours];
  try {
    const url = `${ours.base}/feeds/all.ics`;
    // Raw bytes: undici's fetch would decompress, so the gzip body comes through node:http.
    const plain = await fetchBytes(url);
    const gz = await rawGet(url, { 'accept-encoding': 'gzip' });
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bench-copy-'));
    fs.chmodSync(copy, 0o755);
    writeFeedCopy(copy, plain.body, gz.body, { etag: plain.etag, gzipEtag: gz.etag, lastModified: plain.lastModified });
    const bare = await startBareNode(copy, ours.processes);
    running.push(bare);
    const nginx = NGINX ? await startNginx(copy) : null;
    if (nginx) running.push(nginx);
    const targets = [
      { name: 'ours', url },
      { name: 'nginx', url: nginx ? `${nginx.base}/feed.ics` : null },
      { name: 'bare', url: `${bare.base}/feed.ics` },
    ];
    const results: Record<string, Record<string, Load | null>> = {};
    const cases = [
      ['conditional GET → 304 (gzip client)', { 'accept-encoding': 'gzip' }, 304],
      ['GET with Accept-Encoding: gzip', { 'accept-encoding': 'gzip' }, 200],
      ['plain GET', {}, 200],
    ] as const;
    for (const [name, headers, expect] of cases) {
      results[name] = {};
      // Rounds interleave the servers, and each keeps its best round: the machine's other work
      // comes and goes in seconds, and a server measured in a busy moment says little.
      for (let round = 0; round < ROUNDS; round++) {
        for (const target of targets) {
          if (!target.url) {
            results[name]![target.name] = null;
            continue;
          }
          // Each server's own validator for the bytes a gzip client holds.
          const extra: Record<string, string> = expect === 304 ? { 'if-none-match': (await rawGet(target.url, headers)).etag } : {};
          if (round === 0) await load(target.url, { ...headers, ...extra }, Math.min(1, seconds), expect); // warm-up
          const r = await load(target.url, { ...headers, ...extra }, seconds, expect);
          const best = results[name]![target.name];
          if (!best || r.rps > best.rps) results[name]![target.name] = { ...r, errors: r.errors + (best?.errors ?? 0) };
          else best.errors += r.errors;
        }
      }
    }
    const rps = (l: Load | null | undefined) => (l ? Math.round(l.rps).toLocaleString('en') : 'n/a');
    const ratio = (a: Load | null | undefined, b: Load | null | undefined) => (a && b ? `${(a.rps / b.rps).toFixed(2)}×` : 'n/a');
    const lines = [
      `${events}-event feed (${(plain.body.length / 1024).toFixed(0)} KB, gzip ${(gz.body.length / 1024).toFixed(0)} KB); ours on ${ours.engine} with ${ours.processes} web process(es), the bare node server with as many, nginx with one worker per core; ${CONNECTIONS} connections, ${seconds} s per run, ${ROUNDS} rounds with the servers interleaved (best round of each; errors of all), the load from bench/load-client.ts in its own process.`,
      '',
      '| case | ours req/s | nginx req/s | ours / nginx | bare node req/s | ours / bare node | ours p99 ms | errors |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    ];
    for (const [name] of cases) {
      const r = results[name]!;
      lines.push(`| ${name} | ${rps(r.ours)} | ${rps(r.nginx)} | ${ratio(r.ours, r.nginx)} | ${rps(r.bare)} | ${ratio(r.ours, r.bare)} | ${r.ours?.p99 ?? 'n/a'} | ${r.ours?.errors ?? 'n/a'} |`);
    }
    const [c304, cGzip, cPlain] = cases.map(([name]) => results[name]!);
    lines.push(
      '',
      `Goals (issue 14): 304 ≥ 0.5× nginx: ${ratio(c304!.ours, c304!.nginx)}; gzip GET ≥ 0.5× nginx: ${ratio(cGzip!.ours, cGzip!.nginx)}; plain GET ≥ 0.8× bare node: ${ratio(cPlain!.ours, cPlain!.bare)}.`,
    );
    return lines;
  } finally {
    for (const r of running.reverse()) await r.stop();
  }
}

/** A GET through node:http, so a compressed body arrives as sent. */
async function rawGet(url: string, headers: Record<string, string>): Promise<{ body: Buffer; etag: string }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(chunks), etag: String(res.headers.etag) }));
      })
      .on('error', reject);
  });
}
