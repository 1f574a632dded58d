// Edit-to-remote latency: an organizer's PATCH (response in hand) until the Google emulator
// holds the new title in every copy, with the worker running inside the app as in production
// (its idle polling included, since that is most of what a person waits for).
import { performance } from 'node:perf_hooks';
import type { GoogleEmulator } from '../test/emulators/google.ts';
import type { Services } from '../src/services.ts';
import { adminAuth, benchEnv, clearRemoteEvents, cloneSchema, inPool, outboxSize, percentile, saveEvent, startBenchApp, until } from './push-setup.ts';
import type { PushWorld } from './push-world.ts';

export interface LatencyRow {
  /** How the worker learned of the edit. */
  mode: 'wake-up' | 'polling only';
  copies: number;
  edits: number;
  p50: number;
  p95: number;
  max: number;
}

export interface LatencyOptions {
  google: GoogleEmulator;
  world: PushWorld;
  editsOne: number;
  editsMany: number;
  /** False: the worker only polls (PUSH_WAKEUPS=false), the baseline; one copy only. */
  wakeups: boolean;
  log: (line: string) => void;
}

/**
 * Resolves when `copies` distinct remote events have been written with `title`. Hooked into
 * the emulator's store rather than polled, so the time is when the write happened, not when a
 * poll noticed it.
 */
function watchWrites(google: GoogleEmulator) {
  const waiting = new Map<string, { need: number; keys: Set<string>; done: (at: number) => void }>();
  const store = google.events;
  const set = store.set.bind(store);
  store.set = (key, value) => {
    const w = waiting.get(String(value.summary));
    if (w && !w.keys.has(key)) {
      w.keys.add(key);
      if (w.keys.size === w.need) w.done(performance.now());
    }
    return set(key, value);
  };
  return {
    /** Puts the emulator's store back as it was (later runs share the emulator). */
    stop: () => void (store.set = set),
    expect(title: string, copies: number, timeoutMs: number): Promise<number> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const got = waiting.get(title)?.keys.size ?? 0;
          waiting.delete(title);
          reject(new Error(`only ${got} of ${copies} copies got "${title}" within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(title, {
          need: copies,
          keys: new Set(),
          done: (at) => (clearTimeout(timer), waiting.delete(title), resolve(at)),
        });
      });
    },
  };
}

/** Records when the worker polls, to report the idle interval it really used. */
function watchPolls(services: Services) {
  const polls: { at: number; jobs: number }[] = [];
  const claim = services.outbox.claim.bind(services.outbox);
  services.outbox.claim = async (...args) => {
    const at = performance.now();
    const jobs = await claim(...args);
    polls.push({ at, jobs: jobs.length });
    return jobs;
  };
  return {
    /** Median gap after a claim that found nothing. */
    idleIntervalMs(): number {
      const gaps = polls.slice(1).flatMap((p, i) => (polls[i]!.jobs === 0 ? [p.at - polls[i]!.at] : []));
      return percentile(gaps, 50);
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLatency(o: LatencyOptions): Promise<{ rows: LatencyRow[]; idlePollMs: number }> {
  const { google, world } = o;
  const people = world.cookies.length;
  clearRemoteEvents(google);
  const schema = await cloneSchema(world.connected.schema);
  const bench = await startBenchApp({ ...benchEnv(google, schema.schema, true), PUSH_WAKEUPS: String(o.wakeups) });
  try {
    const { app, services } = bench;
    const polls = watchPolls(services);
    const started = performance.now();
    await saveEvent(app, world.cookies[0]!, world.latencyOne);
    await inPool(world.cookies, 16, (cookie) => saveEvent(app, cookie, world.latencyMany));
    await until(async () => (await outboxSize(services)) === 0 && google.events.size === people + 1, 300_000, 'the first copies to be pushed', 100);
    o.log(`latency: ${people + 1} copies saved and pushed by the in-app worker in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const writes = watchWrites(google);
    const measure = async (eventId: string, copies: number, edits: number, label: string, warmUp: boolean): Promise<LatencyRow> => {
      const samples: number[] = [];
      // One unrecorded edit first: it warms the update path (the setup only created copies).
      for (let i = warmUp ? -1 : 0; i < edits; i++) {
        // A random gap of up to one poll interval, so the edits land at every point of the
        // worker's poll cycle instead of right after the previous push (phase-locked).
        await pause(Math.random() * 1000);
        const title = `${label} edit ${i} ${Math.random().toString(36).slice(2, 8)}`;
        const written = writes.expect(title, copies, 120_000);
        const res = await app.inject({ method: 'PATCH', url: `/api/v1/events/${eventId}`, headers: adminAuth, payload: { title } });
        const answered = performance.now();
        if (res.statusCode !== 200) throw new Error(`PATCH: ${res.statusCode} ${res.body}`);
        // The worker may in principle finish before inject hands us the response: count that as 0.
        const ms = Math.max(0, (await written) - answered);
        if (i >= 0) samples.push(ms);
      }
      return { mode: o.wakeups ? 'wake-up' : 'polling only', copies, edits, p50: percentile(samples, 50), p95: percentile(samples, 95), max: Math.max(...samples) };
    };
    try {
      const rows = [await measure(world.latencyOne, 1, o.editsOne, 'one', true)];
      if (o.wakeups) rows.push(await measure(world.latencyMany, people, o.editsMany, 'many', false));
      return { rows, idlePollMs: polls.idleIntervalMs() };
    } finally {
      writes.stop();
    }
  } finally {
    await bench.close();
    await schema.drop();
  }
}
