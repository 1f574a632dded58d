import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Real calendar clients (khal, calcurse, vdirsyncer, libical through Python GObject
// introspection) run by the test/clients suites. Each run gets its own temporary HOME and XDG
// directories, a config file written there, and a fixed TZ, so nothing depends on this machine's
// zone or on a user's own configuration. Suites skip with a notice when a tool is missing; CI
// installs them (.ci/run).

/** The tool's path on PATH, or null. */
export function onPath(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** A skip reason for node:test, or false when `tool` is on PATH. */
export function clientSkip(tool: string, apt = tool): string | false {
  if (onPath(tool)) return false;
  console.log(`notice: ${tool} is not on PATH; its client tests are skipped (apt-get install ${apt}).`);
  return `${tool} is not installed`;
}

/**
 * The Python that has Debian's python3-gi: Debian's own (a pyenv or virtualenv python3 first on
 * PATH usually lacks gi), else python3 on PATH; LIBICAL_PYTHON overrides.
 */
const PYTHON_CANDIDATES = process.env.LIBICAL_PYTHON ? [process.env.LIBICAL_PYTHON] : ['/usr/bin/python3', 'python3'];
export let SYSTEM_PYTHON = PYTHON_CANDIDATES[0]!;

let libicalChecked: string | false | undefined;
/** A skip reason unless a python3 can load libical through GObject introspection (ICalGLib 3.0). */
export function libicalSkip(): string | false {
  if (libicalChecked !== undefined) return libicalChecked;
  for (const python of PYTHON_CANDIDATES) {
    const probe = spawnSync(python, ['-c', "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"], { encoding: 'utf8' });
    if (probe.status === 0) {
      SYSTEM_PYTHON = python;
      return (libicalChecked = false);
    }
  }
  console.log('notice: libical (ICalGLib 3.0) is not importable from python3; libical tests are skipped (apt-get install gir1.2-ical-3.0 python3-gi).');
  return (libicalChecked = 'libical is not installed');
}

export interface ClientHome {
  /** The temporary HOME; config/, data/, cache/ inside are the XDG directories. */
  dir: string;
  config: string;
  data: string;
  /** Writes `text` to `relative` under the home (folders created) and returns its path. */
  write(relative: string, text: string): string;
  /** Runs `command` with this home and the given TZ; rejects on a non-zero exit or timeout. */
  run(command: string, args: string[], options?: { tz?: string; input?: string; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
  remove(): void;
}

export function clientHome(prefix: string): ClientHome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cc-${prefix}-`));
  const config = path.join(dir, 'config');
  const data = path.join(dir, 'data');
  for (const sub of [config, data, path.join(dir, 'cache'), path.join(dir, 'tmp')]) fs.mkdirSync(sub, { recursive: true });
  return {
    dir,
    config,
    data,
    write(relative, text) {
      const file = path.join(dir, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
    run(command, args, options = {}) {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        XDG_CONFIG_HOME: config,
        XDG_DATA_HOME: data,
        XDG_CACHE_HOME: path.join(dir, 'cache'),
        TMPDIR: path.join(dir, 'tmp'), // calcurse writes its import log there
        TZ: options.tz ?? 'UTC',
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        PYTHONIOENCODING: 'utf-8',
      };
      return new Promise((resolve, reject) => {
        const child = execFile(command, args, { env, cwd: dir, timeout: options.timeoutMs ?? 20_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          if (error) reject(Object.assign(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`), { stdout, stderr }));
          else resolve({ stdout, stderr });
        });
        if (options.input !== undefined) child.stdin?.end(options.input);
        else child.stdin?.end();
      });
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `YYYY-MM-DD` + `days` (UTC calendar arithmetic). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A local `YYYY-MM-DDTHH:MM` in a zone with the fixed offset `offset` (`+05:30`) as an ISO instant. */
export function fixedOffsetInstant(local: string, offset: string): string {
  return new Date(Date.parse(`${local}:00${offset}`)).toISOString();
}
