import { randomUUID } from 'node:crypto';
import { PushFailure, type PushSync } from '../app/push-sync.ts';
import { decideOnFailure, type FailureDecision, type FailurePolicyOptions, DEFAULT_FAILURE_POLICY } from '../core/sync/failure-policy.ts';
import type { ConnectionRepository } from '../infra/db/connection-repository.ts';
import type { CopyRepository } from '../infra/db/copy-repository.ts';
import type { OutboxRepository } from '../infra/db/outbox-repository.ts';
import { connectionJobPrefix, PUSH_JOB, REPAIR_CALENDAR_JOB, type CalendarRepair, type PushTarget } from '../infra/db/push-jobs.ts';
import { ProviderError } from '../integrations/provider.ts';
import type { OutboxWakeups } from '../infra/db/outbox-wakeups.ts';
import type { MailJobRunner } from './mail-jobs.ts';

// The worker: claims push jobs with a lease, runs them a few at a time, and applies the one
// failure policy (core/sync) to whatever goes wrong.

export interface PushWorkerOptions {
  outbox: OutboxRepository;
  copies: CopyRepository;
  connections: ConnectionRepository;
  push: PushSync;
  clock?: () => number;
  leaseMs?: number;
  batch?: number;
  /** Jobs run at once per process; the request gate holds each account to its provider's limits. */
  concurrency?: number;
  /** How often an idle worker looks for due jobs (retries come due without a signal). */
  idleMs?: number;
  /** Wakes an idle worker as soon as new jobs are written, in any process. */
  wakeups?: OutboxWakeups;
  policy?: FailurePolicyOptions;
  /** Every job's outcome; `latencySeconds` (change committed -> copy updated) on success. */
  onOutcome?: (kind: string, outcome: string, latencySeconds?: number) => void;
  /** A connection's calendar changed (cached busy times of it are stale). */
  onCalendarChanged?: (connectionId: string) => void;
  log?: { warn(o: object, msg: string): void };
  /** Email invite and verification jobs (issue 15): same outbox, own handler. */
  mail?: MailJobRunner;
}

export function createPushWorker(o: PushWorkerOptions) {
  const clock = o.clock ?? Date.now;
  const owner = randomUUID();
  const leaseMs = o.leaseMs ?? 60_000;
  let running = false;
  let stopped: Promise<void> = Promise.resolve();
  // A wake-up that comes while a tick runs must not be lost: the loop then skips its sleep.
  let woken = false;
  let interruptSleep: (() => void) | null = null;
  const wake = () => {
    woken = true;
    interruptSleep?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interruptSleep = null;
        resolve();
      }
      interruptSleep = done;
    });

  type Job = { id: string; kind: string; payload: unknown; attempts: number; createdAt: number };
  // Jobs that succeeded, deleted together at the end of the tick (one statement, not one each).
  // Until then the lease still covers them; a crash before that only reruns a push that
  // reconcile then finds unchanged.
  let finished: string[] = [];

  type EventReader = ReturnType<PushSync['batchEventReader']>;

  async function runJob(job: Job, readEvent: EventReader): Promise<void> {
    if (job.kind === PUSH_JOB) return runPush(job, readEvent);
    if (job.kind === REPAIR_CALENDAR_JOB) return runRepair(job);
    if (o.mail?.handles(job.kind)) return o.mail.run(job, owner, () => finished.push(job.id));
    await o.outbox.deadLetter(job.id, owner, `unknown job kind ${job.kind}`, clock());
  }

  async function runPush(job: Job, readEvent: EventReader): Promise<void> {
    const { connectionId, eventId } = job.payload as PushTarget;
    try {
      const outcome = await o.push.reconcile(connectionId, eventId, readEvent);
      finished.push(job.id);
      o.onOutcome?.(job.kind, outcome, (clock() - job.createdAt) / 1000);
      if (outcome === 'created' || outcome === 'updated' || outcome === 'deleted') o.onCalendarChanged?.(connectionId);
    } catch (error) {
      const failure = asPushFailure(error);
      const decision = decide(failure, job);
      await applyToJob(job, connectionId, failure, decision);
      await o.push.applyDecision(connectionId, eventId, failure.operation, decision);
      // What the person sees on the copy: waiting, failed, or nothing (the decision settled it).
      const now = clock();
      if (decision.kind === 'retry') await o.copies.mark(connectionId, eventId, 'pending', failure.message, now);
      if (decision.kind === 'reconnect') await o.copies.mark(connectionId, eventId, 'pending', `waiting for reconnect: ${failure.message}`, now);
      if (decision.kind === 'dead_letter') await o.copies.mark(connectionId, eventId, 'failed', decision.reason, now);
    }
  }

  async function runRepair(job: Job): Promise<void> {
    const { connectionId, calendarId } = job.payload as CalendarRepair;
    try {
      const outcome = await o.push.repairCalendar(connectionId, calendarId);
      await o.outbox.complete(job.id, owner);
      o.onOutcome?.(job.kind, outcome);
    } catch (error) {
      const failure = asPushFailure(error);
      const decision = decide(failure, job);
      await applyToJob(job, connectionId, failure, decision);
      if (decision.kind === 'dead_letter') await o.connections.setStatus(connectionId, 'error', `Your calendar was deleted and could not be made again: ${decision.reason}`, clock());
    }
  }

  function asPushFailure(error: unknown): PushFailure {
    if (error instanceof PushFailure) return error;
    // Not a provider's answer (a bug, the database): retried with backoff, and logged.
    o.log?.warn({ err: error }, 'push job failed unexpectedly');
    const e = error instanceof ProviderError ? error : new ProviderError('temporary', (error as Error)?.message ?? 'failed', { cause: error });
    return new PushFailure(e, 'update');
  }

  function decide(f: PushFailure, job: Job): FailureDecision {
    const e = f.error;
    const decision = decideOnFailure({ code: e.code, message: e.message, retryAfterMs: e.retryAfterMs, operation: f.operation, attempt: job.attempts, now: clock() }, o.policy ?? DEFAULT_FAILURE_POLICY);
    o.onOutcome?.(job.kind, decision.kind);
    return decision;
  }

  /** The job's side of a decision: when it runs again, or that it is parked, dead or done. */
  async function applyToJob(job: Job, connectionId: string, f: PushFailure, decision: FailureDecision): Promise<void> {
    const now = clock();
    switch (decision.kind) {
      case 'retry':
        return o.outbox.reschedule(job.id, owner, decision.at, f.message, now);
      case 'reconnect':
        // The grant is dead: the person is asked to reconnect, and the work waits for them.
        await o.connections.setStatus(connectionId, 'reconnect_required', decision.reason, now);
        return o.outbox.park(connectionJobPrefix(connectionId), f.message, now);
      case 'recreate_calendar':
        // One repair job per connection makes the calendar again and queues every saved event.
        if (!f.calendarId) return o.outbox.reschedule(job.id, owner, now, f.message, now);
        await o.outbox.complete(job.id, owner);
        return o.outbox.enqueueCalendarRepair({ connectionId, calendarId: f.calendarId }, now);
      case 'dead_letter':
        return o.outbox.deadLetter(job.id, owner, decision.reason, now);
      case 'copy_deleted_by_person':
      case 'done':
        await o.outbox.complete(job.id, owner);
    }
  }

  /** Runs every job that is due now; returns how many ran. Tests and `drain` call it directly. */
  async function tick(): Promise<number> {
    // Small enough that the last job of a batch starts well within the lease even when all of
    // them are one account's, paced by the gate (32 jobs x 8 lanes outran a 2 s test lease).
    const jobs = await o.outbox.claim(owner, clock(), leaseMs, o.batch ?? 16);
    // Lanes pull the next job as soon as theirs ends (no lock-step groups waiting for their
    // slowest). The claim holds at most one job per (connection, event), so lanes never reorder
    // one copy's changes; per-account limits (Graph: 4 per mailbox) are the request gate's.
    let next = 0;
    const readEvent = o.push.batchEventReader();
    const lane = async () => {
      while (next < jobs.length) await runJob(jobs[next++]!, readEvent);
    };
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(o.concurrency ?? 4, jobs.length) }, lane));
    const done = finished;
    finished = [];
    await o.outbox.completeMany(done, owner);
    const failed = lanes.find((l) => l.status === 'rejected');
    if (failed) throw failed.reason;
    return jobs.length;
  }

  return {
    tick,
    /** Runs until nothing is due (jobs scheduled for later stay). */
    async drain(maxRounds = 100): Promise<void> {
      for (let i = 0; i < maxRounds && (await tick()) > 0; i++);
    },
    start() {
      if (running) return;
      running = true;
      const unsubscribe = o.wakeups?.(wake);
      stopped = (async () => {
        while (running) {
          woken = false;
          const ran = await tick().catch((err: unknown) => (o.log?.warn({ err }, 'worker tick failed'), 0));
          if (ran === 0 && !woken && running) await sleep(o.idleMs ?? 1_000);
        }
        await unsubscribe?.();
      })();
    },
    async stop() {
      running = false;
      interruptSleep?.();
      await stopped;
    },
  };
}

export type PushWorker = ReturnType<typeof createPushWorker>;
