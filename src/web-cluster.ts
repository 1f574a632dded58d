import cluster, { type Worker } from 'node:cluster';

// WEB_CONCURRENCY > 1: the primary process forks that many web processes, which share its port
// (node:cluster hands each connection to one of them), so every core serves feeds. The primary
// serves nothing itself: it keeps the web processes running and stops them on shutdown.

export interface WebProcesses {
  /** Resolves once every web process listens. */
  listening: Promise<void>;
  /** Asks every web process to finish its requests and exit; resolves when all have. */
  stop(): Promise<void>;
}

interface Log {
  warn(details: object, message: string): void;
}

export function forkWebProcesses(count: number, log: Log): WebProcesses {
  let stopping = false;
  let crashesInARow = 0;
  const waiting = new Set<Worker>();
  let allListening: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => (allListening = resolve));

  function fork(): void {
    const worker = cluster.fork();
    waiting.add(worker);
    worker.once('listening', () => {
      crashesInARow = 0;
      waiting.delete(worker);
      if (waiting.size === 0) allListening();
    });
    worker.once('exit', (code, signal) => {
      waiting.delete(worker);
      if (stopping) return;
      // A web process that died is replaced; one that keeps dying at start is given time.
      crashesInARow++;
      log.warn({ code, signal }, 'a web process exited; starting another');
      setTimeout(() => stopping || fork(), Math.min(10_000, 100 * 2 ** crashesInARow));
    });
  }
  for (let i = 0; i < count; i++) fork();

  return {
    listening,
    async stop() {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM'); // each finishes its open requests (main.ts's shutdown)
            }),
        ),
      );
    },
  };
}
