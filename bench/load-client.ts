// A lean HTTP/1.1 keep-alive load generator for the feed benchmark, run in its own process:
// `connections` sockets, one request in flight on each, the same request over and over, for
// `seconds`. Response bodies are counted, never copied or parsed. autocannon (in the bench's own
// process or as its CLI) topped out at about 1,300-1,900 req/s on 38 KB gzip bodies on this
// machine kind for every server alike, where this client measures 5× that: the load generator,
// not the servers, was being measured.
// Usage: node bench/load-client.ts '<json {url, headers, connections, seconds}>'
// Prints one JSON line: {requests, rps, p99, statuses, errors} (errors: connection failures,
// responses without a length, statuses other than `expect`).
import net from 'node:net';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  expect: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.url);
  const port = Number(url.port);
  const request = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` + Object.entries(o.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n',
    'latin1',
  );
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  let completed = 0;
  const started = performance.now();
  const end = started + o.seconds * 1000;

  const connection = () =>
    new Promise<void>((resolve) => {
      const socket = net.connect(port, url.hostname);
      socket.setNoDelay(true);
      let head = '';
      let remaining = -1; // body bytes still to come; -1 while reading the head
      let sentAt = 0;
      const send = () => {
        if (performance.now() >= end) {
          socket.destroy();
          resolve();
          return;
        }
        sentAt = performance.now();
        socket.write(request);
      };
      const finish = () => {
        latencies.push(performance.now() - sentAt);
        completed++;
        head = '';
        remaining = -1;
      };
      socket.on('connect', send);
      socket.on('data', (data: Buffer) => {
        let at = 0;
        while (at < data.length) {
          if (remaining < 0) {
            // Heads are small: kept as text until the blank line.
            const chunk = data.toString('latin1', at, Math.min(data.length, at + 16 * 1024));
            const text = head + chunk;
            const blank = text.indexOf('\r\n\r\n');
            if (blank < 0) {
              head = text;
              at += chunk.length;
              continue;
            }
            const status = text.slice(9, 12);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (Number(status) !== o.expect) errors++;
            const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, blank));
            const bodyless = status === '304' || status === '204';
            if (!length && !bodyless) {
              errors++; // chunked or close-delimited: not what these servers send
              socket.destroy();
              resolve();
              return;
            }
            at += blank + 4 - head.length;
            remaining = bodyless ? 0 : Number(length![1]);
            head = '';
          }
          const take = Math.min(remaining, data.length - at);
          remaining -= take;
          at += take;
          if (remaining === 0) {
            finish();
            send();
          }
        }
      });
      socket.on('error', () => {
        errors++;
        resolve();
      });
      socket.on('close', () => resolve());
    });

  await Promise.all(Array.from({ length: o.connections }, connection));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: completed,
    rps: completed / seconds,
    p99: latencies.length ? Math.round(latencies[Math.floor(latencies.length * 0.99)]! * 10) / 10 : 0,
    statuses,
    errors,
  };
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2]!) as LoadOptions;
  process.stdout.write(JSON.stringify(await runLoad(options)) + '\n');
}
