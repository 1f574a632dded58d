import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { insertJobs } from './outbox-sql.ts';

// Email jobs ride the same outbox as push (push-jobs.ts): written by the transaction that makes
// the change, claimed with a lease, retried, never lost. An invite job names a person and an
// event only; what to send is decided when it runs (core/mail/invite-plan.ts).

export const INVITE_JOB = 'email-invite';
export const VERIFY_JOB = 'email-verify';

export interface InviteTarget {
  visitorId: string;
  eventId: string;
}

/** The verification email: the token travels sealed (the outbox row never holds it in clear). */
export interface VerifyMail {
  visitorId: string;
  tokenHash: string;
  sealedToken: string;
}

/** One person's mail shares this prefix; one person's mail about one event runs in order. */
export const mailJobPrefix = (visitorId: string) => `mail:${visitorId}:`;
export const inviteJobKey = (t: InviteTarget) => `${mailJobPrefix(t.visitorId)}${t.eventId}`;

export async function enqueueInviteJobs(trx: Kysely<Database>, targets: InviteTarget[], now: number): Promise<void> {
  await insertJobs(trx, targets.map((t) => ({ kind: INVITE_JOB, payload: t, orderingKey: inviteJobKey(t) })), now);
}

export async function enqueueVerification(trx: Kysely<Database>, mail: VerifyMail, now: number): Promise<void> {
  await insertJobs(trx, [{ kind: VERIFY_JOB, payload: mail, orderingKey: `${mailJobPrefix(mail.visitorId)}~verify` }], now);
}

/**
 * An event's SEQUENCE moved: everyone with a verified address who saved it, or was sent it
 * (a cancel must reach those too).
 */
export async function enqueueInvitesForEvent(trx: Kysely<Database>, eventId: string, now: number): Promise<void> {
  const saved = await trx
    .selectFrom('saved_events')
    .innerJoin('visitor_emails', 'visitor_emails.visitor_id', 'saved_events.visitor_id')
    .select('saved_events.visitor_id as visitorId')
    .where('saved_events.event_id', '=', eventId)
    .where('visitor_emails.verified_at', 'is not', null)
    .execute();
  const sent = await trx.selectFrom('email_invites').select('visitor_id as visitorId').where('event_id', '=', eventId).where('method', '=', 'REQUEST').execute();
  const ids = [...new Set([...saved, ...sent].map((r) => r.visitorId))].sort();
  await enqueueInviteJobs(trx, ids.map((visitorId) => ({ visitorId, eventId })), now);
}

/** Saved or unsaved by one person: one job when they have a verified address. */
export async function enqueueInviteForVisitorEvent(trx: Kysely<Database>, visitorId: string, eventId: string, now: number): Promise<void> {
  const email = await trx.selectFrom('visitor_emails').select('visitor_id').where('visitor_id', '=', visitorId).where('verified_at', 'is not', null).executeTakeFirst();
  if (email) await enqueueInviteJobs(trx, [{ visitorId, eventId }], now);
}

/** Everything a person's address should hold now (just verified, or the channel changed). */
export async function enqueueInvitesForVisitor(trx: Kysely<Database>, visitorId: string, now: number): Promise<void> {
  const saved = await trx.selectFrom('saved_events').select('event_id as eventId').where('visitor_id', '=', visitorId).execute();
  const sent = await trx.selectFrom('email_invites').select('event_id as eventId').where('visitor_id', '=', visitorId).where('method', '=', 'REQUEST').execute();
  const ids = [...new Set([...saved, ...sent].map((r) => r.eventId))].sort();
  await enqueueInviteJobs(trx, ids.map((eventId) => ({ visitorId, eventId })), now);
}
