// The people and events both push benchmarks start from, built once through the real HTTP
// paths (OAuth flow, event creation, saves) with no worker running, then cloned per run.
import { performance } from 'node:perf_hooks';
import type { GoogleEmulator } from '../test/emulators/google.ts';
import { benchEnv, cloneSchema, connectPeople, createEvent, freshSchema, inPool, outboxSize, saveEvent, startBenchApp, type BenchSchema } from './push-setup.ts';

export interface PushWorld {
  /** Each person's session cookie; person i owns Google account bench-i@gmail.test. */
  cookies: string[];
  /** People connected, events created, nothing saved yet: the latency run saves its own. */
  connected: BenchSchema;
  latencyOne: string;
  latencyMany: string;
  /** Everything above plus every person's saves of the drain events: jobs queued, none run. */
  queued: BenchSchema;
  jobs: number;
  dispose(): Promise<void>;
}

export async function buildWorld(google: GoogleEmulator, o: { people: number; drainEventsEach: number; log: (line: string) => void }): Promise<PushWorld> {
  const base = freshSchema();
  await base.create();
  const schemas: BenchSchema[] = [base];
  const dispose = async () => void (await Promise.all(schemas.map((s) => s.drop())));
  try {
    const bench = await startBenchApp(benchEnv(google, base.schema, false));
    try {
      const { app, services } = bench;
      let t = performance.now();
      const cookies = await connectPeople(app, o.people, 'bench');
      o.log(`setup: ${o.people} people connected to Google in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const latencyOne = await createEvent(app, 'Latency: one copy');
      const latencyMany = await createEvent(app, `Latency: ${o.people} copies`);
      const drainEvents: string[] = [];
      for (let i = 0; i < o.drainEventsEach; i++) drainEvents.push(await createEvent(app, `Drain event ${i}`));
      const connected = await cloneSchema(base.schema);
      schemas.push(connected);

      t = performance.now();
      // Event by event, everyone saves it: consecutive jobs belong to different accounts, as
      // in a real fan-out, rather than one account's jobs queued back to back.
      const saves = drainEvents.flatMap((eventId) => cookies.map((cookie) => ({ cookie, eventId })));
      await inPool(saves, 16, ({ cookie, eventId }) => saveEvent(app, cookie, eventId));
      const jobs = await outboxSize(services);
      if (jobs !== saves.length) throw new Error(`expected ${saves.length} jobs in the outbox, found ${jobs}`);
      o.log(`setup: ${jobs} saves (= push jobs queued) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      return { cookies, connected, latencyOne, latencyMany, queued: base, jobs, dispose };
    } finally {
      await bench.close();
    }
  } catch (error) {
    await dispose();
    throw error;
  }
}
