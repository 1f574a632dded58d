// A PostgreSQL cluster for one `npm test` run when TEST_DATABASE_URL is unset: initdb into a temp
// folder, listen on a free loopback port (unix socket in that folder too), trust auth, and
// everything deleted afterwards. Debian's binaries live in /usr/lib/postgresql/<version>/bin,
// off the PATH. initdb refuses to run as root, so as root it runs as the `postgres` user.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ThrowawayPostgres {
  url: string;
  /** Stops the server and deletes its folder; synchronous so it also works in an exit handler. */
  stop(): void;
}

/** The newest installed version's bin folder holding both initdb and pg_ctl, or null. */
function findBinaries(root = '/usr/lib/postgresql'): string | null {
  let versions: string[];
  try {
    versions = fs.readdirSync(root);
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/** uid/gid of a system user, from /etc/passwd (no native addon, no `id` parsing). */
function systemUser(name: string): { uid: number; gid: number } | null {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a cluster, or returns the reason it cannot (the caller prints it and skips PostgreSQL). */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | { problem: string }> {
  const bin = findBinaries();
  if (!bin) return { problem: 'no PostgreSQL binaries under /usr/lib/postgresql/*/bin' };
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? systemUser('postgres') : null;
  if (asRoot && !owner) return { problem: 'running as root and there is no `postgres` user to run initdb as' };
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => fs.existsSync(p));
  // As root, every PostgreSQL command runs as `postgres`: runuser if present, else su.
  const command = (file: string, args: string[]) => {
    if (!asRoot) return { file, args };
    if (runuser) return { file: runuser, args: ['-u', 'postgres', '--', file, ...args] };
    const quoted = [file, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    return { file: 'su', args: ['postgres', '-s', '/bin/sh', '-c', quoted] };
  };
  const pg = (tool: string, args: string[]) => {
    const c = command(path.join(bin, tool), args);
    return spawnSync(c.file, c.args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-pg-'));
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  let started = false;
  const stop = () => {
    if (started) pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    started = false;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const init = pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    if (init.status !== 0) throw new Error(`initdb failed: ${(init.stderr || init.stdout || String(init.error)).trim().split('\n').pop()}`);
    const port = await freeLoopbackPort();
    // A throwaway cluster needs no durability: fsync off makes the suites' DDL much faster.
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    started = true;
    const start = pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    if (start.status !== 0) {
      const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8').trim().split('\n').pop() : '';
      throw new Error(`pg_ctl start failed: ${(start.stderr || log || '').trim()}`);
    }
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    stop();
    return { problem: (error as Error).message };
  }
}
