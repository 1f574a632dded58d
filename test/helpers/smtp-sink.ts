import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';
import { freePort } from './app.ts';

// A real SMTP server for the mail tests: Debian's aiosmtpd (python3-aiosmtpd) on 127.0.0.1 with
// smtp_sink.py as its handler, each accepted message one .eml file in a temporary folder.

const AIOSMTPD = '/usr/bin/aiosmtpd';
export const smtpSkip: string | false = fs.existsSync(AIOSMTPD) ? false : 'python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)';
if (smtpSkip) console.log(`notice: mail suites skipped: ${smtpSkip}`);

export interface SmtpSink {
  url: string;
  /** Every message received so far, oldest first, parsed as a mail client would. */
  messages(): Promise<(ParsedMail & { raw: string })[]>;
  /** Waits until at least `n` messages arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<(ParsedMail & { raw: string })[]>;
  close(): Promise<void>;
}

async function listening(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`aiosmtpd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('aiosmtpd did not start listening');
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-smtp-'));
  const port = await freePort();
  const helpers = path.dirname(fileURLToPath(import.meta.url));
  const child = spawn(AIOSMTPD, ['-n', '-l', `127.0.0.1:${port}`, '-c', 'smtp_sink.Sink', dir], {
    env: { ...process.env, PYTHONPATH: helpers, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await listening(port, child, Date.now() + 10_000);
  } catch (error) {
    child.kill();
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  const messages = async () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    return Promise.all(
      files.map(async (f) => {
        const raw = fs.readFileSync(path.join(dir, f));
        return Object.assign(await simpleParser(raw), { raw: raw.toString('utf8') });
      }),
    );
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(n, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await messages();
        if (got.length >= n || Date.now() > deadline) return got;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill();
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
