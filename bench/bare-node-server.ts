// The baseline for our feed route: a bare node:http server sending the very same pre-encoded
// bytes (identity and gzip) with the same validators, as many processes as ours (node:cluster).
// Usage: node bench/bare-node-server.ts <dir with feed.ics, feed.ics.gz, meta.json> <port> <processes>
import cluster from 'node:cluster';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [dir = '.', portText = '0', processesText = '1'] = process.argv.slice(2);
const processes = Number(processesText);

if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork();
  let listening = 0;
  cluster.on('listening', () => ++listening === processes && process.stdout.write('ready\n'));
  process.once('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const identity = fs.readFileSync(path.join(dir, 'feed.ics'));
  const gzip = fs.readFileSync(path.join(dir, 'feed.ics.gz'));
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { etag: string; gzipEtag: string; lastModified: string };
  const common = { 'cache-control': 'public, max-age=300', vary: 'Accept-Encoding', 'last-modified': meta.lastModified };
  http
    .createServer((req, res) => {
      const gz = (req.headers['accept-encoding'] ?? '').includes('gzip');
      const etag = gz ? meta.gzipEtag : meta.etag;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...common, etag });
        res.end();
        return;
      }
      const body = gz ? gzip : identity;
      res.writeHead(200, { ...common, etag, 'content-type': 'text/calendar; charset=utf-8', 'content-length': body.length, ...(gz ? { 'content-encoding': 'gzip' } : {}) });
      res.end(body);
    })
    .listen(Number(portText), '127.0.0.1', () => cluster.isWorker || process.stdout.write('ready\n'));
  process.once('SIGTERM', () => process.exit(0));
}
