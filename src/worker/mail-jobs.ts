import type { EmailInvites } from '../app/email-invites.ts';
import type { OutboxRepository } from '../infra/db/outbox-repository.ts';
import type { EmailRepository } from '../infra/db/email-repository.ts';
import { INVITE_JOB, VERIFY_JOB, type InviteTarget, type VerifyMail } from '../infra/db/mail-jobs.ts';
import { MailSendError } from '../infra/mail/transport.ts';

// The push worker's handler for email jobs (same outbox, same lease). What a failure means:
// 4xx or no answer -> retry with backoff; 5xx -> the address is marked not working (done there,
// nothing to retry); still failing after MAX_ATTEMPTS -> dead-lettered, shown as failed.

export const MAIL_JOB_KINDS = new Set([INVITE_JOB, VERIFY_JOB]);
const MAX_ATTEMPTS = 12;
const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 3600_000;

/** 30 s, 1 min, 2 min … at most an hour, with ±20% jitter so retries of a batch spread out. */
export function mailRetryDelay(attempt: number, random = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

interface MailJob {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  createdAt: number;
}

export interface MailJobDeps {
  invites: EmailInvites;
  emails: EmailRepository;
  outbox: OutboxRepository;
  clock: () => number;
  onOutcome?: (kind: string, outcome: string, latencySeconds?: number) => void;
  log?: { warn(o: object, msg: string): void };
}

export type MailJobRunner = ReturnType<typeof createMailJobRunner>;

export function createMailJobRunner(d: MailJobDeps) {
  return {
    handles: (kind: string) => MAIL_JOB_KINDS.has(kind),

    /** Runs one claimed job; `done` marks it finished (deleted with the batch). */
    async run(job: MailJob, owner: string, done: () => void): Promise<void> {
      try {
        const outcome = job.kind === INVITE_JOB ? await d.invites.reconcileInvite(job.payload as InviteTarget) : await d.invites.sendVerification(job.payload as VerifyMail);
        done();
        d.onOutcome?.(job.kind, outcome, (d.clock() - job.createdAt) / 1000);
      } catch (error) {
        const e = error instanceof MailSendError ? error : null;
        // Never the message text of a foreign error in full: it may quote an address or URL.
        if (!e) d.log?.warn({ err: error, kind: job.kind }, 'mail job failed unexpectedly');
        const now = d.clock();
        if (e?.code === 'permanent') {
          d.onOutcome?.(job.kind, 'refused');
          await d.outbox.complete(job.id, owner);
          return;
        }
        const reason = e?.message ?? 'failed unexpectedly';
        if (job.attempts >= MAX_ATTEMPTS) {
          d.onOutcome?.(job.kind, 'dead_letter');
          await d.outbox.deadLetter(job.id, owner, `gave up after ${job.attempts} tries: ${reason}`, now);
          if (job.kind === INVITE_JOB) {
            const t = job.payload as InviteTarget;
            await d.emails.recordFailure(t.visitorId, t.eventId, `gave up after ${job.attempts} tries: ${reason}`, 'failed', true, now);
          }
          return;
        }
        d.onOutcome?.(job.kind, 'retry');
        await d.outbox.reschedule(job.id, owner, now + mailRetryDelay(job.attempts), reason, now);
      }
    },
  };
}
