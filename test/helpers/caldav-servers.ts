import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './app.ts';

// Real CalDAV servers for tests: Radicale (with Basic auth) and Xandikos (no auth of its own),
// from Debian's packages, each in a temp folder on a free 127.0.0.1 port.

export interface CalDavServer {
  name: 'radicale' | 'xandikos';
  /** Where a client starts discovery. */
  url: string;
  username: string;
  password: string;
  /** Whether the server checks passwords (Xandikos does not). */
  checksPasswords: boolean;
  stop(): Promise<void>;
}

export interface CalDavServerKind {
  name: CalDavServer['name'];
  skip: string | false;
  start(): Promise<CalDavServer>;
}

const RADICALE = '/usr/bin/radicale';
const XANDIKOS = '/usr/bin/xandikos';
const missing = (bin: string, pkg: string) => {
  if (fs.existsSync(bin)) return false;
  console.log(`notice: ${bin} is missing; ${pkg} tests are skipped (apt-get install ${pkg}).`);
  return `${pkg} is not installed`;
};

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${log()}`);
    try {
      await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function run(bin: string, args: string[], dir: string) {
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }).then(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { child, log: () => output, stop };
}

export const caldavServers: CalDavServerKind[] = [
  {
    name: 'radicale',
    skip: missing(RADICALE, 'radicale'),
    async start() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-radicale-'));
      const port = await freePort();
      fs.writeFileSync(path.join(dir, 'users'), 'nina:app-password-1\n');
      fs.writeFileSync(
        path.join(dir, 'config'),
        `[server]\nhosts = 127.0.0.1:${port}\n[auth]\ntype = htpasswd\nhtpasswd_filename = ${dir}/users\nhtpasswd_encryption = plain\n[storage]\nfilesystem_folder = ${dir}/collections\n[logging]\nlevel = warning\n`,
      );
      const server = run(RADICALE, ['--config', path.join(dir, 'config')], dir);
      const url = `http://127.0.0.1:${port}/`;
      await waitUntilUp(url, server.child, server.log);
      return { name: 'radicale', url, username: 'nina', password: 'app-password-1', checksPasswords: true, stop: server.stop };
    },
  },
  {
    name: 'xandikos',
    skip: missing(XANDIKOS, 'xandikos'),
    async start() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-xandikos-'));
      const port = await freePort();
      const server = run(XANDIKOS, ['--defaults', '-d', path.join(dir, 'data'), '-l', '127.0.0.1', '-p', String(port)], dir);
      const url = `http://127.0.0.1:${port}/`;
      await waitUntilUp(url, server.child, server.log);
      return { name: 'xandikos', url, username: 'nina', password: 'any-password', checksPasswords: false, stop: server.stop };
    },
  },
];
